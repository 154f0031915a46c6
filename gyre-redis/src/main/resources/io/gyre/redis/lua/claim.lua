-- ARGV: prefix, worker, token, now, expS, expN, expISO, expScore, nqueues, queues...
-- Pops the first item whose task is READY at the item's attempt from the first queue that has one (dropping
-- stale items), starts the task, creates the lease and appends task_started. Leaves every listed queue's
-- signal set exactly when the queue is not empty, so another waiter wakes for what is left.
local worker, token, now = ARGV[2], ARGV[3], ARGV[4]
local nq = tonumber(ARGV[9])
local found
for qi = 1, nq do
  local qk = queueKey(ARGV[9 + qi])
  while not found do
    local el = redis.call('LPOP', qk)
    if not el then break end
    local r, t, a = parseItem(el)
    if r then
      local cur = redis.call('HMGET', taskKey(r, t), 's', 'a')
      if cur[1] == 'READY' and tonumber(cur[2]) + 1 == tonumber(a) then found = {el, r, t, a} end
    end
  end
  if found then break end
end
for qi = 1, nq do
  local q = ARGV[9 + qi]
  if redis.call('LLEN', queueKey(q)) > 0 then signal(queueSignal(q)) else redis.call('DEL', queueSignal(q)) end
end
if not found then return {'EMPTY'} end
local el, r, t, a = found[1], found[2], found[3], found[4]
local tk = taskKey(r, t)
redis.call('HINCRBY', tk, 'v', 1)
redis.call('HSET', tk, 's', 'RUNNING', 'a', a, 'st', now)
redis.call('HDEL', tk, 'x', 'et', 'f')
redis.call('HSET', leaseKey(token), 'i', el, 'w', worker, 'es', ARGV[5], 'en', ARGV[6], 'x', ARGV[7])
redis.call('ZADD', LEASES, ARGV[8], token)
local body = ns(now) .. ns('task_started') .. ns(t) .. ns('2') .. ns('attempt') .. ns(a) .. ns('worker') .. ns(worker)
local seq = redis.call('RPUSH', eventsKey(r), body)
redis.call('PUBLISH', feedChannel(r), seq)
return {'OK', el, tostring(seq)}
