-- ARGV: prefix, run, start index, stop index
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local out = {'OK'}
for _, e in ipairs(redis.call('LRANGE', eventsKey(run), ARGV[3], ARGV[4])) do out[#out + 1] = e end
return out
