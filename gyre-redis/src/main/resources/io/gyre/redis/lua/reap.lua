-- ARGV: prefix, nowS, nowN, now (time text), failure type
-- Releases every lease whose expiry is before now (exactly, by seconds and nanos) and puts a lost-lease completion
-- in its run's inbox. Returns token, item, worker, expiry per lease. Scans the expiries ({p}lease-exp: a few bytes per
-- running task), then reads only the expired leases whole and decides on their own expiry, exactly.
local exps = redis.call('HGETALL', LEASE_EXP)
local due = {}
for k = 1, #exps, 2 do
  local es, en = string.match(exps[k + 1], '^(%-?%d+)|(%d+)$')
  if not es or isAfter(ARGV[2], ARGV[3], es, en) then due[#due + 1] = exps[k] end
end
local all = {}
if #due > 0 then
  local ls = hmgetAll(LEASE, due)
  for k = 1, #due do all[2 * k - 1], all[2 * k] = due[k], ls[k] end
end
local out, gone, orphans = {}, {}, {}
local inboxes, runs = {}, {}
local at = ns(ARGV[4])
for k = 1, #all, 2 do
  local tok, l = all[k], all[k + 1]
  local es, en, x, w, p
  if l then es, en, x, w, p = parseLease(l) end
  if not l then
    orphans[#orphans + 1] = tok -- an expiry without its lease: forget it
  elseif isAfter(ARGV[2], ARGV[3], es, en) then
    gone[#gone + 1] = tok
    local item = string.sub(l, p)
    local r = parseItem(item)
    local msg = 'worker ' .. w .. ' neither heartbeat nor completed before ' .. x .. '; the attempt is presumed lost'
    local outcome = ns('F') .. ns('-1') .. ns(ARGV[5]) .. ns(msg) .. ns('1')
    local items = inboxes[r]
    if not items then items = {}; inboxes[r] = items; runs[#runs + 1] = r end
    items[#items + 1] = ns(item) .. ns(outcome) .. at
    out[#out + 1] = tok
    out[#out + 1] = item
    out[#out + 1] = w
    out[#out + 1] = x
  end
end
if #gone > 0 then
  chunked('HDEL', LEASE, gone, 1, #gone, 1000)
  chunked('HDEL', LEASE_EXP, gone, 1, #gone, 1000)
end
if #orphans > 0 then chunked('HDEL', LEASE_EXP, orphans, 1, #orphans, 1000) end
for _, r in ipairs(runs) do
  chunked('RPUSH', inboxKey(r), inboxes[r], 1, #inboxes[r], 1000)
  signal(inboxSignal(r))
end
return out
