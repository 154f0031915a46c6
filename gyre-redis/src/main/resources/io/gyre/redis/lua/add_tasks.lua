-- ARGV: prefix, run, ntasks, then per task: id, s, v, a, x, st, et, f, o (as in create_run).
-- Adds the tasks the run does not have yet; returns OK, then per given task (in order) its 8 stored fields.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local out = {'OK'}
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  local key = taskKey(run, ARGV[i])
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 's', ARGV[i + 1], 'v', ARGV[i + 2])
    setTaskFields(key, i + 3)
    redis.call('RPUSH', tasksKey(run), ARGV[i])
  end
  local h = readTask(key)
  for k = 1, 8 do out[#out + 1] = h[k] end
  i = i + 9
end
return out
