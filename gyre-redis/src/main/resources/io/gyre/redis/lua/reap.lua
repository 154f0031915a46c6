-- ARGV: prefix, nowS, nowN, nowISO, maxScore, failure type
-- Releases every lease whose expiry is before now (exactly, by seconds and nanos; the score only narrows the
-- search) and puts a lost-lease completion in its run's inbox. Returns token, item, worker, expiry per lease.
local out = {}
for _, tok in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', ARGV[5])) do
  local lk = leaseKey(tok)
  local l = redis.call('HMGET', lk, 'i', 'w', 'es', 'en', 'x')
  if not l[1] then
    redis.call('ZREM', LEASES, tok)
  elseif isAfter(ARGV[2], ARGV[3], l[3], l[4]) then
    redis.call('DEL', lk)
    redis.call('ZREM', LEASES, tok)
    local r = parseItem(l[1])
    local msg = 'worker ' .. l[2] .. ' neither heartbeat nor completed before ' .. l[5]
      .. '; the attempt is presumed lost'
    local outcome = ns('F') .. ns('-1') .. ns(ARGV[6]) .. ns(msg) .. ns('1')
    redis.call('RPUSH', inboxKey(r), ns(l[1]) .. ns(outcome) .. ns(ARGV[4]))
    signal(inboxSignal(r))
    out[#out + 1] = tok
    out[#out + 1] = l[1]
    out[#out + 1] = l[2]
    out[#out + 1] = l[5]
  end
end
return out
