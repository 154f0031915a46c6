-- ARGV: prefix, run, state, version, d, ntasks, then per task: id, s, v, a, x, st, et, f, o
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 1 then return {'EXISTS'} end
redis.call('HSET', runKey(run), 's', ARGV[3], 'v', ARGV[4], 'd', ARGV[5])
local i = 7
for _ = 1, tonumber(ARGV[6]) do
  local key = taskKey(run, ARGV[i])
  redis.call('HSET', key, 's', ARGV[i + 1], 'v', ARGV[i + 2])
  setTaskFields(key, i + 3)
  redis.call('RPUSH', tasksKey(run), ARGV[i])
  i = i + 9
end
if not FINAL_RUN[ARGV[3]] then redis.call('SADD', ACTIVE, run) end
return {'OK'}
