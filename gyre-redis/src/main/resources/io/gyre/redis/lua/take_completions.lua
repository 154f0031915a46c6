-- ARGV: prefix, run, max, fencing token ('' if none). A fenced take keeps what it took in flight (and
-- forgets the previous batch, now handled) until the next take; a claim puts in-flight items back.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local refused = fenced(run, ARGV[4])
if refused then return refused end
if ARGV[4] ~= '' then redis.call('DEL', inflightKey(run)) end
local out = {'OK'}
local items = redis.call('LPOP', inboxKey(run), ARGV[3])
if items then
  for _, c in ipairs(items) do out[#out + 1] = c end
  if ARGV[4] ~= '' then
    for i = 1, #items, 1000 do redis.call('RPUSH', inflightKey(run), unpack(items, i, math.min(i + 999, #items))) end
  end
end
if redis.call('LLEN', inboxKey(run)) > 0 then signal(inboxSignal(run)) else redis.call('DEL', inboxSignal(run)) end
return out
