--[[
  Replaces an account's readable follower set with a completed sync's set, once per tree (idempotent: a page job
  retried after a crash may call it again).

  KEYS[1] readable follower set   KEYS[2] follower meta (hash)
  ARGV[1] tree id   ARGV[2] DUMP of the staged set ("" when the sync found no followers)   ARGV[3] now (ms)
  -> 1 when swapped now, 0 when this tree's set was already in place
]]
local set, meta = KEYS[1], KEYS[2]
if redis.call("HGET", meta, "treeId") == ARGV[1] then return 0 end
if ARGV[2] == "" then
  redis.call("DEL", set)
else
  redis.call("RESTORE", set, 0, ARGV[2], "REPLACE")
end
redis.call("HINCRBY", meta, "version", 1)
redis.call("HSET", meta, "treeId", ARGV[1], "updatedAt", ARGV[3], "count", redis.call("SCARD", set))
return 1
