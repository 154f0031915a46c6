-- ARGV: prefix, run, claimant, nowS, nowN. Grants the claimant a new fencing token if it is live, the run is
-- not final and the claimant is the run's rendezvous owner (greatest sha1hex(member .. '\n' .. run)) among the
-- live members; makes the previous owner's in-flight completions (at the head of the inbox) takeable again.
local run, me = ARGV[2], ARGV[3]
local s = redis.call('HGET', runKey(run), 's')
if not s then return {'NORUN'} end
if FINAL_RUN[s] then return {'FINAL'} end
local best, bestW
local isLive = false
for _, m in ipairs(liveMembers(ARGV[4], ARGV[5])) do
  if m == me then isLive = true end
  local w = redis.sha1hex(m .. '\n' .. run)
  if not best or w > bestW then best, bestW = m, w end
end
if not isLive or best ~= me then return {'NOTOWNER'} end
local k = redis.call('HINCRBY', ownerKey(run), 'k', 1)
redis.call('HSET', ownerKey(run), 'o', me)
redis.call('DEL', inflightKey(run)) -- the previous owner's in-flight completions are takeable again
if redis.call('LLEN', inboxKey(run)) > 0 then signal(inboxSignal(run)) end
return {'OK', tostring(k)}
