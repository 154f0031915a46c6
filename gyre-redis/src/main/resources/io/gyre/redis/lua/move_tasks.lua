-- ARGV: prefix, run, fencing token ('' if none), nmoves, nevents, then per move 11 fields: task, from,
-- attempts, to, ends ('1': write x, et, f, o, where '' deletes; '': keep them), x, et, f, o, queue ('' when the
-- move queues nothing), item; then each event's body. Every move is checked, against the state the earlier
-- moves of the batch leave, before anything is written: one refused move refuses the batch.
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 0 then return {'NORUN'} end
local refused = fenced(run, ARGV[3])
if refused then return refused end
local n, ne = tonumber(ARGV[4]), tonumber(ARGV[5])
local M = 11
local after = {}
for k = 0, n - 1 do
  local i = 6 + M * k
  local t, from, att, to = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local cur = after[t]
  if not cur then
    local h = redis.call('HMGET', taskKey(run, t), 's', 'a')
    if not h[1] then return {'NOTASK', t} end
    cur = {h[1], h[2] or '0'}
  end
  if cur[1] ~= from or cur[2] ~= att then return {'MOVED', t, cur[1], cur[2]} end
  if from ~= to and not TASK_EDGES[from .. '>' .. to] then return {'ILLEGAL', t, from, to} end
  after[t] = {to, att}
end
local ENDED = {'x', 'et', 'f', 'o'}
local queued = {}
for k = 0, n - 1 do
  local i = 6 + M * k
  local key = taskKey(run, ARGV[i])
  redis.call('HINCRBY', key, 'v', 1)
  if ARGV[i + 4] == '1' then
    local set, del = {'s', ARGV[i + 3]}, {}
    for f = 1, 4 do
      local v = ARGV[i + 4 + f]
      if v == '' then del[#del + 1] = ENDED[f] else set[#set + 1] = ENDED[f]; set[#set + 1] = v end
    end
    redis.call('HSET', key, unpack(set))
    if #del > 0 then redis.call('HDEL', key, unpack(del)) end
  else
    redis.call('HSET', key, 's', ARGV[i + 3])
  end
  local q = ARGV[i + 9]
  if q ~= '' then
    local items = queued[q]
    if not items then items = {}; queued[q] = items end
    items[#items + 1] = ARGV[i + 10]
  end
end
for q, items in pairs(queued) do
  for c = 1, #items, 1000 do redis.call('RPUSH', queueKey(q), unpack(items, c, math.min(c + 999, #items))) end
  signal(queueSignal(q))
end
local out = {'OK'}
local first = 6 + M * n
local seq
for c = 0, ne - 1, 1000 do
  local last = math.min(c + 999, ne - 1)
  seq = redis.call('RPUSH', eventsKey(run), unpack(ARGV, first + c, first + last))
  for s = seq - (last - c), seq do out[#out + 1] = tostring(s) end
end
if seq then redis.call('PUBLISH', feedChannel(run), seq) end
return out
