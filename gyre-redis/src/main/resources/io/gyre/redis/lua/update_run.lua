-- ARGV: prefix, run, expected version, next state, d
local key = runKey(ARGV[2])
local cur = redis.call('HMGET', key, 's', 'v')
if not cur[1] then return {'NORUN'} end
if cur[2] ~= ARGV[3] then return {'CONFLICT', cur[2]} end
if cur[1] ~= ARGV[4] and not RUN_EDGES[cur[1] .. '>' .. ARGV[4]] then return {'ILLEGAL', cur[1]} end
local v = redis.call('HINCRBY', key, 'v', 1)
redis.call('HSET', key, 's', ARGV[4], 'd', ARGV[5])
return {'OK', cur[1], tostring(v)}
