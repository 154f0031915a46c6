-- ARGV: prefix, run, max
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local out = {'OK'}
local items = redis.call('LPOP', inboxKey(run), ARGV[3])
if items then for _, c in ipairs(items) do out[#out + 1] = c end end
if redis.call('LLEN', inboxKey(run)) > 0 then signal(inboxSignal(run)) else redis.call('DEL', inboxSignal(run)) end
return out
