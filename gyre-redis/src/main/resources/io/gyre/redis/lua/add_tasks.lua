-- ARGV: prefix, run, ntasks, then per task: id, packed record (as in create_run).
-- Adds the tasks the run does not have yet; returns OK, then per given task (in order) its stored record.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local n = tonumber(ARGV[3])
local ids = {}
for k = 0, n - 1 do ids[k + 1] = ARGV[4 + 2 * k] end
local cur = hmgetAll(recsKey(run), ids)
local out, set, added = {'OK'}, {}, {}
for k = 1, n do
  local rec = cur[k]
  if not rec then
    rec = ARGV[3 + 2 * k]
    set[#set + 1] = ids[k]
    set[#set + 1] = rec
    added[#added + 1] = ids[k]
  end
  out[#out + 1] = rec
end
if #added > 0 then
  chunked('HSET', recsKey(run), set, 1, #set, 2000)
  chunked('RPUSH', tasksKey(run), added, 1, #added, 1000)
end
return out
