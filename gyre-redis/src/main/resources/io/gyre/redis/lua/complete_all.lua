-- ARGV: prefix, nowS, nowN, nowISO, n, then per completion 5 fields: token, run, task, attempt, outcome.
-- Each completion is checked and committed on its own, as complete does; answers per completion a status
-- (OK, RELEASED, OTHER, EXPIRED) and the lease's expiry ('' unless EXPIRED).
local n = tonumber(ARGV[5])
local out = {'OK'}
local inboxes = {}
for k = 0, n - 1 do
  local i = 6 + 5 * k
  local lk = leaseKey(ARGV[i])
  local l = redis.call('HMGET', lk, 'i', 'es', 'en', 'x')
  local status, expiry = 'OK', ''
  if not l[1] then
    status = 'RELEASED'
  else
    local r, t, a = parseItem(l[1])
    if r ~= ARGV[i + 1] or t ~= ARGV[i + 2] or a ~= ARGV[i + 3] then
      status = 'OTHER'
    elseif isAfter(ARGV[2], ARGV[3], l[2], l[3]) then
      status, expiry = 'EXPIRED', l[4]
    else
      redis.call('DEL', lk)
      redis.call('ZREM', LEASES, ARGV[i])
      local items = inboxes[r]
      if not items then items = {}; inboxes[r] = items end
      items[#items + 1] = ns(l[1]) .. ns(ARGV[i + 4]) .. ns(ARGV[4])
    end
  end
  out[#out + 1] = status
  out[#out + 1] = expiry
end
for r, items in pairs(inboxes) do
  for c = 1, #items, 1000 do redis.call('RPUSH', inboxKey(r), unpack(items, c, math.min(c + 999, #items))) end
  signal(inboxSignal(r))
end
return out
