-- ARGV: prefix, run
local h = redis.call('HMGET', runKey(ARGV[2]), 's', 'v', 'd')
if not h[1] then return {'NORUN'} end
return {'OK', h[1], h[2], h[3]}
