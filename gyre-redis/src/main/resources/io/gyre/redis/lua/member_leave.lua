-- ARGV: prefix, id
redis.call('DEL', memberKey(ARGV[2]))
redis.call('SREM', MEMBERS, ARGV[2])
return {'OK'}
