-- ARGV: prefix, id, nowS, nowN, expS, expN, expISO. Joins or renews; the epoch grows on every (re)join. Marks an
-- unmarked store with this layout: after a wipe (a Redis without persistence restarted) the heartbeats of the
-- orchestrators that rode through it are the first writes, and a process connecting next must see the mark.
if redis.call('EXISTS', LAYOUT) == 0 then redis.call('SET', LAYOUT, LAYOUT_VERSION) end
local id = ARGV[2]
local k = memberKey(id)
local h = redis.call('HMGET', k, 'es', 'en', 'e')
local epoch
if h[1] and not isAfter(ARGV[3], ARGV[4], h[1], h[2]) then
  epoch = h[3]
else
  epoch = tostring(redis.call('HINCRBY', EPOCHS, id, 1))
end
redis.call('HSET', k, 'e', epoch, 'es', ARGV[5], 'en', ARGV[6], 'x', ARGV[7])
redis.call('SADD', MEMBERS, id)
return {'OK', epoch}
