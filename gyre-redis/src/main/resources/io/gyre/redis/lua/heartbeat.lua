-- ARGV: prefix, token, run, task, attempt, nowS, nowN, expS, expN, expISO, expScore
local lk = leaseKey(ARGV[2])
local l = redis.call('HMGET', lk, 'i', 'w', 'es', 'en', 'x')
if not l[1] then return {'RELEASED'} end
local r, t, a = parseItem(l[1])
if r ~= ARGV[3] or t ~= ARGV[4] or a ~= ARGV[5] then return {'OTHER'} end
if isAfter(ARGV[6], ARGV[7], l[3], l[4]) then return {'EXPIRED', l[5]} end
redis.call('HSET', lk, 'es', ARGV[8], 'en', ARGV[9], 'x', ARGV[10])
redis.call('ZADD', LEASES, ARGV[11], ARGV[2])
return {'OK', l[1], l[2]}
