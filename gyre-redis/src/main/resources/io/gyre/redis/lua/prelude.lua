-- Shared by every script (RedisScripts prepends it, after the transition tables generated from
-- TaskState.MACHINE and RunState.MACHINE). ARGV[1] is always the key prefix; keys are built here, so these
-- scripts run on a standalone Redis (or one primary), not on Redis Cluster.
local P = ARGV[1]
local function ns(s) return #s .. ':' .. s end
local function runKey(r) return P .. 'run:' .. r end
local function tasksKey(r) return P .. 'tasks:' .. r end
-- A run's task records: one hash, field = task id, value = the packed record (docs/redis.md):
-- state|version|attempts|exit|started|ended|<failure netstring><outputs map>.
local function recsKey(r) return P .. 'tr:' .. r end
local function queueKey(q) return P .. 'ready:' .. q end
local function queueSignal(q) return P .. 'ready-signal:' .. q end
-- Leases: token -> expirySeconds|expiryNanos|expiry text|worker|item. There is no expiry index: the reaper reads
-- them all (they are as many as the tasks running), which costs less than indexing every claim.
local LEASE = P .. 'lease'
-- The same tokens to their expiry alone ('expS|expN'): what the reaper scans, so a pass reads a few bytes per
-- running task whatever its work item's size; the lease itself is read only for the expired ones.
local LEASE_EXP = P .. 'lease-exp'
local function expiryOf(head) return string.match(head, '^(%-?%d+|%d+)|') end
local LAYOUT = P .. 'layout'
local function inboxKey(r) return P .. 'inbox:' .. r end
local function inboxSignal(r) return P .. 'inbox-signal:' .. r end
local function eventsKey(r) return P .. 'events:' .. r end
local function feedChannel(r) return P .. 'feed:' .. r end
-- A signal list holds at most one element: "there may be something to take". Waiters BLPOP it.
local function signal(key) if redis.call('EXISTS', key) == 0 then redis.call('RPUSH', key, '1') end end
local function parseItem(el) return string.match(el, '^([^|]+)|([^|]+)|([0-9]+)|') end
-- A task that is missing: distinguishes an unknown run from an unknown task in a known run.
local function missing(r) if redis.call('EXISTS', runKey(r)) == 0 then return {'NORUN'} end return {'NOTASK'} end
local function isAfter(s1, n1, s2, n2)
  s1, n1, s2, n2 = tonumber(s1), tonumber(n1), tonumber(s2), tonumber(n2)
  return s1 > s2 or (s1 == s2 and n1 > n2)
end
-- Lua's unpack takes a few thousand values at most, so commands over many values go in chunks of `step`.
-- Calls cmd(key, t[from..to]) chunk by chunk and returns the last reply (for RPUSH: the list's new length).
local function chunked(cmd, key, t, from, to, step)
  local reply
  for c = from, to, step do reply = redis.call(cmd, key, unpack(t, c, math.min(c + step - 1, to))) end
  return reply
end
-- HMGET of any number of fields; a missing field is false, as in redis.call's reply.
local function hmgetAll(key, fields)
  local n = #fields
  if n == 0 then return {} end
  if n <= 1000 then return redis.call('HMGET', key, unpack(fields)) end
  local out = {}
  for c = 1, n, 1000 do
    local last = math.min(c + 999, n)
    local part = redis.call('HMGET', key, unpack(fields, c, last))
    for k = 1, last - c + 1 do out[c + k - 1] = part[k] end
  end
  return out
end
-- A packed lease: expiry seconds, nanos, text, worker, and the position where the item starts.
local function parseLease(l) return string.match(l, '^(%-?%d+)|(%d+)|([^|]*)|([^|]*)|()') end
-- Whether the lease's item (from position p) starts with head, 'run|task|attempt|'.
local function leaseIs(l, p, head) return string.sub(l, p, p + #head - 1) == head end
-- Membership and fencing (ADR 0012).
local ACTIVE = P .. 'active'
local MEMBERS = P .. 'members'
local EPOCHS = P .. 'epochs'
local function memberKey(m) return P .. 'member:' .. m end
local function ownerKey(r) return P .. 'owner:' .. r end
local function inflightKey(r) return P .. 'inflight:' .. r end
local FINAL_RUN = {SUCCEEDED = true, FAILED = true, CANCELLED = true}
-- nil when a write to run r under token may go ahead ('' = not fenced); otherwise the reply refusing it.
local function fenced(r, token)
  if token == '' then return nil end
  local cur = redis.call('HGET', ownerKey(r), 'k') or '0'
  if cur ~= token then return {'FENCED', cur} end
  return nil
end
-- The live members' ids, sorted; lapsed members are removed (a later heartbeat joins under a new epoch).
local function liveMembers(nowS, nowN)
  local live = {}
  for _, m in ipairs(redis.call('SMEMBERS', MEMBERS)) do
    local h = redis.call('HMGET', memberKey(m), 'es', 'en')
    if h[1] and not isAfter(nowS, nowN, h[1], h[2]) then
      live[#live + 1] = m
    else
      redis.call('SREM', MEMBERS, m)
      redis.call('DEL', memberKey(m))
    end
  end
  table.sort(live)
  return live
end
