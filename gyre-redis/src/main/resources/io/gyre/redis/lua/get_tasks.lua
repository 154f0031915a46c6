-- ARGV: prefix, run. Returns OK, then per task (in creation order): id and its 8 fields.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local out = {'OK'}
for _, id in ipairs(redis.call('LRANGE', tasksKey(run), 0, -1)) do
  local h = readTask(taskKey(run, id))
  if h then
    out[#out + 1] = id
    for i = 1, 8 do out[#out + 1] = h[i] end
  end
end
return out
