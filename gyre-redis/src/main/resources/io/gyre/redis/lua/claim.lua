-- ARGV: prefix, worker, now, lease head ('expS|expN|expiry text|worker|'), max, nqueues, queues..., then max
-- lease tokens.
-- Pops up to max items whose task is READY at the item's attempt, from the queues in order (dropping stale
-- items), starts each task, creates its lease and appends task_started. Leaves every listed queue's signal set
-- exactly when the queue is not empty, so another waiter wakes for what is left.
-- Cost: per round one LPOP of exactly the items still wanted and one HMGET per run; then per run one HSET of the
-- records, one RPUSH of the events and one PUBLISH, and one HSET for all the leases. A round that
-- dropped stale items pops again, so a claim returns max items when the queues hold that many claimable ones.
local worker, now, head = ARGV[2], ARGV[3], ARGV[4]
local max, nq = tonumber(ARGV[5]), tonumber(ARGV[6])
local evHead = ns(now) .. ns('task_started')
local evData = ns('2') .. ns('attempt')
local evTail = ns('worker') .. ns(worker)
local runs, claimed = {}, {} -- runs in the order first claimed; claimed[run] = {recs, els, events}
local taken = {} -- 'run|task' of the tasks this claim started: a second item for one of them is stale
local found, order = 0, {} -- order[k] = {run, index in claimed[run]}: the items in queue order
local emptied = {}
for qi = 1, nq do
  local qk = queueKey(ARGV[6 + qi])
  while found < max do
    local want = max - found
    local els = redis.call('LPOP', qk, want)
    if not els then emptied[qi] = true; break end
    -- one HMGET per run for this round's items, then each item checked in queue order
    local byRun, rruns, items = {}, {}, {}
    for _, el in ipairs(els) do
      local r, t, att = parseItem(el)
      if r then
        local ids = byRun[r]
        if not ids then ids = {}; byRun[r] = ids; rruns[#rruns + 1] = r end
        ids[#ids + 1] = t
        items[#items + 1] = {el, r, t, att, #ids}
      end
    end
    for _, r in ipairs(rruns) do byRun[r] = hmgetAll(recsKey(r), byRun[r]) end
    for _, it in ipairs(items) do
      local el, r, t, att = it[1], it[2], it[3], it[4]
      local rec, key = byRun[r][it[5]], r .. '|' .. t
      if rec and not taken[key] then
        local s, v, a, flen, p = string.match(rec, '^([%u_]+)|(%d+)|(%d+)|[^|]*|[^|]*|[^|]*|(%d+):()')
        if s == 'READY' and a + 1 == tonumber(att) then
          taken[key] = true
          local c = claimed[r]
          if not c then c = {recs = {}, els = {}, events = {}}; claimed[r] = c; runs[#runs + 1] = r end
          local n = #c.els + 1
          c.recs[2 * n - 1] = t
          c.recs[2 * n] = 'RUNNING|' .. (v + 1) .. '|' .. att .. '||' .. now .. '||0:' .. string.sub(rec, p + flen)
          c.els[n] = el
          c.events[n] = evHead .. ns(t) .. evData .. ns(att) .. evTail
          found = found + 1
          order[found] = {r, n}
        end
      end
    end
    if #els < want then emptied[qi] = true; break end
  end
  if found >= max then break end
end
for qi = 1, nq do
  local q = ARGV[6 + qi]
  if not emptied[qi] and redis.call('LLEN', queueKey(q)) > 0 then
    signal(queueSignal(q))
  else
    redis.call('DEL', queueSignal(q))
  end
end
if found == 0 then return {'EMPTY'} end
local before = {} -- per run, its event count before this claim's events
for _, r in ipairs(runs) do
  local c = claimed[r]
  chunked('HSET', recsKey(r), c.recs, 1, #c.recs, 2000)
  local seq = chunked('RPUSH', eventsKey(r), c.events, 1, #c.events, 1000)
  before[r] = seq - #c.events
  redis.call('PUBLISH', feedChannel(r), seq)
end
local out, leases, exps = {'OK'}, {}, {}
local expiry = expiryOf(head)
for k, o in ipairs(order) do
  local r, n = o[1], o[2]
  local el, token = claimed[r].els[n], ARGV[6 + nq + k]
  leases[2 * k - 1], leases[2 * k] = token, head .. el
  exps[2 * k - 1], exps[2 * k] = token, expiry
  out[2 * k], out[2 * k + 1] = el, tostring(before[r] + n)
end
chunked('HSET', LEASE, leases, 1, #leases, 2000)
chunked('HSET', LEASE_EXP, exps, 1, #exps, 2000)
return out
