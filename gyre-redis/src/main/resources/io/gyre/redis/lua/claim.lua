-- ARGV: prefix, worker, now, lease head ('expS|expN|expiry text|worker|'), expiry score, max, nqueues, queues...,
-- then max lease tokens.
-- Pops up to max items whose task is READY at the item's attempt, from the queues in order (dropping stale
-- items), starts each task, creates its lease and appends task_started. Leaves every listed queue's signal set
-- exactly when the queue is not empty, so another waiter wakes for what is left.
-- Cost: per round one LPOP of exactly the items still wanted and one HMGET per run; then per run one HSET of the
-- records, one RPUSH of the events and one PUBLISH, and one HSET and one ZADD for all the leases. A round that
-- dropped stale items pops again, so a claim returns max items when the queues hold that many claimable ones.
local worker, now, head, score = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local max, nq = tonumber(ARGV[6]), tonumber(ARGV[7])
local evHead = ns(now) .. ns('task_started')
local evData = ns('2') .. ns('attempt')
local evTail = ns('worker') .. ns(worker)
local runs, claimed = {}, {} -- runs in the order first claimed; claimed[run] = {recs, els, events}
local taken = {} -- 'run|task' of the tasks this claim started: a second item for one of them is stale
local found = 0
local emptied = {}
for qi = 1, nq do
  local qk = queueKey(ARGV[7 + qi])
  while found < max do
    local want = max - found
    local els = redis.call('LPOP', qk, want)
    if not els then emptied[qi] = true; break end
    local round, order = {}, {}
    for _, el in ipairs(els) do
      local r, t, a = parseItem(el)
      if r then
        local g = round[r]
        if not g then g = {ids = {}, els = {}, as = {}}; round[r] = g; order[#order + 1] = r end
        local k = #g.ids + 1
        g.ids[k], g.els[k], g.as[k] = t, el, a
      end
    end
    for _, r in ipairs(order) do
      local g = round[r]
      local recs = hmgetAll(recsKey(r), g.ids)
      for k, t in ipairs(g.ids) do
        local rec, key = recs[k], r .. '|' .. t
        if rec and not taken[key] then
          local s, v, a, flen, p = string.match(rec, '^([%u_]+)|(%d+)|(%d+)|[^|]*|[^|]*|[^|]*|(%d+):()')
          local att = g.as[k]
          if s == 'READY' and a + 1 == tonumber(att) then
            taken[key] = true
            local c = claimed[r]
            if not c then c = {recs = {}, els = {}, events = {}}; claimed[r] = c; runs[#runs + 1] = r end
            local n = #c.els + 1
            c.recs[2 * n - 1] = t
            c.recs[2 * n] = 'RUNNING|' .. (v + 1) .. '|' .. att .. '||' .. now .. '||0:' .. string.sub(rec, p + flen)
            c.els[n] = g.els[k]
            c.events[n] = evHead .. ns(t) .. evData .. ns(att) .. evTail
            found = found + 1
          end
        end
      end
    end
    if #els < want then emptied[qi] = true; break end
  end
  if found >= max then break end
end
for qi = 1, nq do
  local q = ARGV[7 + qi]
  if not emptied[qi] and redis.call('LLEN', queueKey(q)) > 0 then
    signal(queueSignal(q))
  else
    redis.call('DEL', queueSignal(q))
  end
end
if found == 0 then return {'EMPTY'} end
local out, leases, scored = {'OK'}, {}, {}
local tok = 0
for _, r in ipairs(runs) do
  local c = claimed[r]
  chunked('HSET', recsKey(r), c.recs, 1, #c.recs, 2000)
  local seq = chunked('RPUSH', eventsKey(r), c.events, 1, #c.events, 1000)
  local first = seq - #c.events
  for k, el in ipairs(c.els) do
    tok = tok + 1
    local token = ARGV[7 + nq + tok]
    leases[2 * tok - 1], leases[2 * tok] = token, head .. el
    scored[2 * tok - 1], scored[2 * tok] = score, token
    out[2 * tok], out[2 * tok + 1] = el, tostring(first + k)
  end
  redis.call('PUBLISH', feedChannel(r), seq)
end
chunked('HSET', LEASE, leases, 1, #leases, 2000)
chunked('ZADD', LEASES, scored, 1, #scored, 2000)
return out
