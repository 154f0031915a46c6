-- ARGV: prefix, run, task
local rec = redis.call('HGET', recsKey(ARGV[2]), ARGV[3])
if not rec then return missing(ARGV[2]) end
return {'OK', rec}
