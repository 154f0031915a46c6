-- ARGV: prefix, token, head ('run|task|attempt|'), nowS, nowN, new lease head ('expS|expN|expiry text|')
local l = redis.call('HGET', LEASE, ARGV[2])
if not l then return {'RELEASED'} end
local es, en, x, w, p = parseLease(l)
if not leaseIs(l, p, ARGV[3]) then return {'OTHER'} end
if isAfter(ARGV[4], ARGV[5], es, en) then return {'EXPIRED', x} end
local item = string.sub(l, p)
redis.call('HSET', LEASE, ARGV[2], ARGV[6] .. w .. '|' .. item)
redis.call('HSET', LEASE_EXP, ARGV[2], expiryOf(ARGV[6]))
return {'OK', item, w}
