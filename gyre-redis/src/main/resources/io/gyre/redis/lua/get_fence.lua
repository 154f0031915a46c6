-- ARGV: prefix, run
if redis.call('EXISTS', runKey(ARGV[2])) == 0 then return {'NORUN'} end
local h = redis.call('HMGET', ownerKey(ARGV[2]), 'o', 'k')
if not h[1] then return {'NONE'} end
return {'OK', h[1], h[2]}
