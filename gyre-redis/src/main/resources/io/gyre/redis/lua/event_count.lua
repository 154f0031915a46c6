-- ARGV: prefix, run
if redis.call('EXISTS', runKey(ARGV[2])) == 0 then return {'NORUN'} end
return {'OK', tostring(redis.call('LLEN', eventsKey(ARGV[2])))}
