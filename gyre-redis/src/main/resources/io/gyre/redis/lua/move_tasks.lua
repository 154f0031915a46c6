-- ARGV: prefix, run, fencing token ('' if none), nmoves, nevents, then per move 9 fields: task, from, attempts,
-- to, ends ('1': the move ends the attempt; '': it keeps the attempt's fields), exit, 'ended|<failure
-- netstring><outputs>', queue ('' when the move queues nothing), item; then each event's body.
-- Every move is checked, against the record the earlier moves of the batch leave, before anything is written:
-- one refused move refuses the batch. The batch's records are read with one HMGET and written with one HSET.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local refused = fenced(run, ARGV[3])
if refused then return refused end
local n, ne = tonumber(ARGV[4]), tonumber(ARGV[5])
local M = 9
local key = recsKey(run)
local ids, cur = {}, {}
for k = 0, n - 1 do
  local t = ARGV[6 + M * k]
  if cur[t] == nil then cur[t] = false; ids[#ids + 1] = t end
end
local recs = hmgetAll(key, ids)
for k, t in ipairs(ids) do cur[t] = recs[k] end
for k = 0, n - 1 do
  local i = 6 + M * k
  local t, from, att, to = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local rec = cur[t]
  if not rec then return {'NOTASK', t} end
  local s, v, pa, a, st = string.match(rec, '^([%u_]+)|(%d+)|()(%d+)|[^|]*|([^|]*)|')
  if s ~= from or a ~= att then return {'MOVED', t, s, a} end
  if from ~= to and not TASK_EDGES[from .. '>' .. to] then return {'ILLEGAL', t, from, to} end
  if ARGV[i + 4] == '1' then
    cur[t] = to .. '|' .. (v + 1) .. '|' .. a .. '|' .. ARGV[i + 5] .. '|' .. st .. '|' .. ARGV[i + 6]
  else
    cur[t] = to .. '|' .. (v + 1) .. '|' .. string.sub(rec, pa)
  end
end
if #ids > 0 then
  local set = {}
  for k, t in ipairs(ids) do set[2 * k - 1], set[2 * k] = t, cur[t] end
  chunked('HSET', key, set, 1, #set, 2000)
end
local queued, queues = {}, {}
for k = 0, n - 1 do
  local i = 6 + M * k
  local q = ARGV[i + 7]
  if q ~= '' then
    local items = queued[q]
    if not items then items = {}; queued[q] = items; queues[#queues + 1] = q end
    items[#items + 1] = ARGV[i + 8]
  end
end
for _, q in ipairs(queues) do
  chunked('RPUSH', queueKey(q), queued[q], 1, #queued[q], 1000)
  signal(queueSignal(q))
end
local out = {'OK'}
if ne > 0 then
  local first = 6 + M * n
  local seq = chunked('RPUSH', eventsKey(run), ARGV, first, first + ne - 1, 1000)
  for s = seq - ne + 1, seq do out[#out + 1] = tostring(s) end
  redis.call('PUBLISH', feedChannel(run), seq)
end
return out
