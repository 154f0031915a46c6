-- ARGV: prefix, run, state, version, d, ntasks, then per task: id, packed record. Marks an unmarked store with
-- this layout; refuses one marked with another (the prefix was wiped and reused by another Gyre meanwhile).
local run = ARGV[2]
if redis.call('EXISTS', runKey(run)) == 1 then return {'EXISTS'} end
local mark = redis.call('GET', LAYOUT)
if mark and mark ~= LAYOUT_VERSION then return {'LAYOUT', mark} end
if not mark then redis.call('SET', LAYOUT, LAYOUT_VERSION) end
redis.call('HSET', runKey(run), 's', ARGV[3], 'v', ARGV[4], 'd', ARGV[5])
local n = tonumber(ARGV[6])
if n > 0 then
  chunked('HSET', recsKey(run), ARGV, 7, 6 + 2 * n, 2000)
  local ids = {}
  for k = 0, n - 1 do ids[k + 1] = ARGV[7 + 2 * k] end
  chunked('RPUSH', tasksKey(run), ids, 1, n, 1000)
end
if not FINAL_RUN[ARGV[3]] then redis.call('SADD', ACTIVE, run) end
return {'OK'}
