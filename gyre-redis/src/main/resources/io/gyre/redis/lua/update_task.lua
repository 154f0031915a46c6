-- ARGV: prefix, run, task, expected version, next state, a, x, st, et, f, o, fencing token ('' if none)
local key = taskKey(ARGV[2], ARGV[3])
local cur = redis.call('HMGET', key, 's', 'v')
if not cur[1] then return missing(ARGV[2]) end
local refused = fenced(ARGV[2], ARGV[12])
if refused then return refused end
if cur[2] ~= ARGV[4] then return {'CONFLICT', cur[2]} end
if cur[1] ~= ARGV[5] and not TASK_EDGES[cur[1] .. '>' .. ARGV[5]] then return {'ILLEGAL', cur[1]} end
local v = redis.call('HINCRBY', key, 'v', 1)
redis.call('HSET', key, 's', ARGV[5])
setTaskFields(key, 6)
return {'OK', cur[1], tostring(v)}
