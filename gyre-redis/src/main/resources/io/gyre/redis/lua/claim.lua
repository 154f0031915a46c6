-- ARGV: prefix, worker, now, expS, expN, expISO, expScore, max, nqueues, queues..., then max lease tokens.
-- Pops up to max items whose task is READY at the item's attempt, from the queues in order (dropping stale
-- items), starts each task, creates its lease and appends task_started. Leaves every listed queue's signal set
-- exactly when the queue is not empty, so another waiter wakes for what is left.
local worker, now = ARGV[2], ARGV[3]
local max = tonumber(ARGV[8])
local nq = tonumber(ARGV[9])
local found = {}
for qi = 1, nq do
  local qk = queueKey(ARGV[9 + qi])
  while #found < max do
    local el = redis.call('LPOP', qk)
    if not el then break end
    local r, t, a = parseItem(el)
    if r then
      local cur = redis.call('HMGET', taskKey(r, t), 's', 'a')
      if cur[1] == 'READY' and tonumber(cur[2]) + 1 == tonumber(a) then found[#found + 1] = {el, r, t, a} end
    end
  end
  if #found >= max then break end
end
for qi = 1, nq do
  local q = ARGV[9 + qi]
  if redis.call('LLEN', queueKey(q)) > 0 then signal(queueSignal(q)) else redis.call('DEL', queueSignal(q)) end
end
if #found == 0 then return {'EMPTY'} end
local out = {'OK'}
local last = {}
for k, f in ipairs(found) do
  local el, r, t, a = f[1], f[2], f[3], f[4]
  local token = ARGV[9 + nq + k]
  local tk = taskKey(r, t)
  redis.call('HINCRBY', tk, 'v', 1)
  redis.call('HSET', tk, 's', 'RUNNING', 'a', a, 'st', now)
  redis.call('HDEL', tk, 'x', 'et', 'f')
  redis.call('HSET', leaseKey(token), 'i', el, 'w', worker, 'es', ARGV[4], 'en', ARGV[5], 'x', ARGV[6])
  redis.call('ZADD', LEASES, ARGV[7], token)
  local body = ns(now) .. ns('task_started') .. ns(t) .. ns('2') .. ns('attempt') .. ns(a) .. ns('worker') .. ns(worker)
  local seq = redis.call('RPUSH', eventsKey(r), body)
  last[r] = seq
  out[#out + 1] = el
  out[#out + 1] = tostring(seq)
end
for r, seq in pairs(last) do redis.call('PUBLISH', feedChannel(r), seq) end
return out
