-- ARGV: prefix, run, expected version, next state, d, fencing token ('' if none)
local key = runKey(ARGV[2])
local cur = redis.call('HMGET', key, 's', 'v')
if not cur[1] then return {'NORUN'} end
local refused = fenced(ARGV[2], ARGV[6])
if refused then return refused end
if cur[2] ~= ARGV[3] then return {'CONFLICT', cur[2]} end
if cur[1] ~= ARGV[4] and not RUN_EDGES[cur[1] .. '>' .. ARGV[4]] then return {'ILLEGAL', cur[1]} end
local v = redis.call('HINCRBY', key, 'v', 1)
redis.call('HSET', key, 's', ARGV[4], 'd', ARGV[5])
if FINAL_RUN[ARGV[4]] then
  redis.call('SREM', ACTIVE, ARGV[2])
  redis.call('DEL', inflightKey(ARGV[2]))
else
  redis.call('SADD', ACTIVE, ARGV[2])
end
return {'OK', cur[1], tostring(v)}
