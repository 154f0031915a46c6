-- ARGV: prefix, n, then per event: run, body, then a fencing token ('' if none) that every event's run must
-- be current under. All runs are checked before anything is written. The seq of an
-- event is its position in the run's list (RPUSH returns it), so it is gapless by construction.
local n = tonumber(ARGV[2])
for k = 0, n - 1 do
  local run = ARGV[3 + 2 * k]
  if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN', run} end
  local refused = fenced(run, ARGV[3 + 2 * n])
  if refused then return refused end
end
local out = {'OK'}
local last = {}
for k = 0, n - 1 do
  local run = ARGV[3 + 2 * k]
  local seq = redis.call('RPUSH', eventsKey(run), ARGV[4 + 2 * k])
  out[#out + 1] = tostring(seq)
  last[run] = seq
end
for run, seq in pairs(last) do redis.call('PUBLISH', feedChannel(run), seq) end
return out
