-- ARGV: prefix, run. Returns OK, then per task (in creation order): id and its packed record.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local ids = redis.call('LRANGE', tasksKey(run), 0, -1)
local recs = hmgetAll(recsKey(run), ids)
local out = {'OK'}
for k, id in ipairs(ids) do
  if recs[k] then
    out[#out + 1] = id
    out[#out + 1] = recs[k]
  end
end
return out
