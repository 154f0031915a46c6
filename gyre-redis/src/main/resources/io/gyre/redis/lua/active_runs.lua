-- ARGV: prefix
local out = {'OK'}
for _, r in ipairs(redis.call('SMEMBERS', ACTIVE)) do out[#out + 1] = r end
return out
