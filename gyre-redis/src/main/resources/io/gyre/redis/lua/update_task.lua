-- ARGV: prefix, run, task, expected version, next state, the record after its version (attempts|exit|...),
-- fencing token ('' if none)
local key = recsKey(ARGV[2])
local rec = redis.call('HGET', key, ARGV[3])
if not rec then return missing(ARGV[2]) end
local refused = fenced(ARGV[2], ARGV[7])
if refused then return refused end
local s, v = string.match(rec, '^([%u_]+)|(%d+)|')
if v ~= ARGV[4] then return {'CONFLICT', v} end
if s ~= ARGV[5] and not TASK_EDGES[s .. '>' .. ARGV[5]] then return {'ILLEGAL', s} end
local nv = tostring(v + 1)
redis.call('HSET', key, ARGV[3], ARGV[5] .. '|' .. nv .. '|' .. ARGV[6])
return {'OK', s, nv}
