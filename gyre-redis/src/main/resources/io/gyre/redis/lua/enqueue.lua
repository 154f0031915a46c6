-- ARGV: prefix, run, task, attempt, queue, item, fencing token ('' if none)
local rec = redis.call('HGET', recsKey(ARGV[2]), ARGV[3])
if not rec then return missing(ARGV[2]) end
local refused = fenced(ARGV[2], ARGV[7])
if refused then return refused end
local s, a = string.match(rec, '^([%u_]+)|%d+|(%d+)|')
if s ~= 'READY' then return {'NOTREADY', s} end
if tonumber(a) + 1 ~= tonumber(ARGV[4]) then return {'ATTEMPT', a} end
redis.call('RPUSH', queueKey(ARGV[5]), ARGV[6])
signal(queueSignal(ARGV[5]))
return {'OK'}
