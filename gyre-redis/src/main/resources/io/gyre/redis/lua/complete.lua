-- ARGV: prefix, token, run, task, attempt, nowS, nowN, outcome, nowISO
local lk = leaseKey(ARGV[2])
local l = redis.call('HMGET', lk, 'i', 'es', 'en', 'x')
if not l[1] then return {'RELEASED'} end
local r, t, a = parseItem(l[1])
if r ~= ARGV[3] or t ~= ARGV[4] or a ~= ARGV[5] then return {'OTHER'} end
if isAfter(ARGV[6], ARGV[7], l[2], l[3]) then return {'EXPIRED', l[4]} end
redis.call('DEL', lk)
redis.call('ZREM', LEASES, ARGV[2])
redis.call('RPUSH', inboxKey(r), ns(l[1]) .. ns(ARGV[8]) .. ns(ARGV[9]))
signal(inboxSignal(r))
return {'OK'}
