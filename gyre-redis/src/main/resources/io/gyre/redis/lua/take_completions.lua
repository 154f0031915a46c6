-- ARGV: prefix, run, max, fencing token ('' if none). A fenced take leaves what it took at the head of the inbox,
-- in flight, and counts it in the in-flight key; its next take drops them (handled by then) before reading on,
-- and a claim of the run makes them takeable again by forgetting the count. Nothing is copied.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local refused = fenced(run, ARGV[4])
if refused then return refused end
local inbox, max = inboxKey(run), tonumber(ARGV[3])
local taken = tonumber(redis.call('GET', inflightKey(run)) or '0')
local out = {'OK'}
local items
if ARGV[4] ~= '' then
  if taken > 0 then redis.call('LTRIM', inbox, taken, -1) end
  items = redis.call('LRANGE', inbox, 0, max - 1)
  if #items > 0 then redis.call('SET', inflightKey(run), #items) else redis.call('DEL', inflightKey(run)) end
  taken = #items
else
  -- An unfenced take skips the items a fenced driver holds in flight (not a case that occurs in practice).
  local all = redis.call('LPOP', inbox, taken + max) or {}
  local keep = math.min(taken, #all)
  for i = keep, 1, -1 do redis.call('LPUSH', inbox, all[i]) end
  items = {}
  for i = keep + 1, #all do items[#items + 1] = all[i] end
end
for _, c in ipairs(items) do out[#out + 1] = c end
if redis.call('LLEN', inbox) > taken then signal(inboxSignal(run)) else redis.call('DEL', inboxSignal(run)) end
return out
