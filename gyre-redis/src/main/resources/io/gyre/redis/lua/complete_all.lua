-- ARGV: prefix, nowS, nowN, now (time text), n, then per completion 4 fields: token, run, head ('run|task|attempt|'),
-- outcome. Each completion is checked and committed on its own, as if alone (a token given twice is RELEASED the
-- second time); answers per completion a status (OK, RELEASED, OTHER, EXPIRED) and the lease's expiry ('' unless
-- EXPIRED). One HMGET reads every lease, one HDEL releases the committed ones.
local n = tonumber(ARGV[5])
local at = ns(ARGV[4])
local toks = {}
for k = 0, n - 1 do toks[k + 1] = ARGV[6 + 4 * k] end
local leases = hmgetAll(LEASE, toks)
local out, gone, done = {'OK'}, {}, {}
local inboxes, runs = {}, {}
for k = 0, n - 1 do
  local i = 6 + 4 * k
  local tok, l = ARGV[i], leases[k + 1]
  local status, expiry = 'OK', ''
  if not l or done[tok] then
    status = 'RELEASED'
  else
    local es, en, x, _, p = parseLease(l)
    if not leaseIs(l, p, ARGV[i + 2]) then
      status = 'OTHER'
    elseif isAfter(ARGV[2], ARGV[3], es, en) then
      status, expiry = 'EXPIRED', x
    else
      done[tok] = true
      gone[#gone + 1] = tok
      local r = ARGV[i + 1]
      local items = inboxes[r]
      if not items then items = {}; inboxes[r] = items; runs[#runs + 1] = r end
      items[#items + 1] = ns(string.sub(l, p)) .. ns(ARGV[i + 3]) .. at
    end
  end
  out[2 * k + 2], out[2 * k + 3] = status, expiry
end
if #gone > 0 then
  chunked('HDEL', LEASE, gone, 1, #gone, 1000)
  chunked('HDEL', LEASE_EXP, gone, 1, #gone, 1000)
end
for _, r in ipairs(runs) do
  chunked('RPUSH', inboxKey(r), inboxes[r], 1, #inboxes[r], 1000)
  signal(inboxSignal(r))
end
return out
