-- ARGV: prefix, run, task, attempt, queue, item, fencing token ('' if none)
local t = redis.call('HMGET', taskKey(ARGV[2], ARGV[3]), 's', 'a')
if not t[1] then return missing(ARGV[2]) end
local refused = fenced(ARGV[2], ARGV[7])
if refused then return refused end
if t[1] ~= 'READY' then return {'NOTREADY', t[1]} end
if tonumber(t[2]) + 1 ~= tonumber(ARGV[4]) then return {'ATTEMPT', t[2]} end
redis.call('RPUSH', queueKey(ARGV[5]), ARGV[6])
signal(queueSignal(ARGV[5]))
return {'OK'}
