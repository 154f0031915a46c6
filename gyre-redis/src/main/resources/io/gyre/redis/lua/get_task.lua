-- ARGV: prefix, run, task
local h = readTask(taskKey(ARGV[2], ARGV[3]))
if not h then return missing(ARGV[2]) end
local out = {'OK'}
for i = 1, 8 do out[#out + 1] = h[i] end
return out
