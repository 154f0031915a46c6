-- ARGV: prefix, nowS, nowN. Returns OK, then per live member (by id): id, epoch, expiry (ISO).
local out = {'OK'}
for _, m in ipairs(liveMembers(ARGV[2], ARGV[3])) do
  local h = redis.call('HMGET', memberKey(m), 'e', 'x')
  out[#out + 1] = m
  out[#out + 1] = h[1]
  out[#out + 1] = h[2]
end
return out
