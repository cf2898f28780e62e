--[[
  One chunk of copying a sync's staged SET into a version ZSET (score 0) inside Redis, for a single Redis (not a
  cluster, where the two keys live in different slots and the copy goes through the worker instead). Chunked like
  the worker's copy, so a million-id set never blocks Redis for long; but no id crosses the network twice.

  KEYS[1] staged set (tree's slot)   KEYS[2] destination version (zset, account's slot)
  ARGV[1] SSCAN cursor ("0" to start)   ARGV[2] chunk size (SSCAN COUNT)
  -> the next cursor ("0" when the set is exhausted)
]]
local res = redis.call("SSCAN", KEYS[1], ARGV[1], "COUNT", ARGV[2])
local ids = res[2]
if #ids > 0 then
  local batch = {}
  for i, id in ipairs(ids) do
    batch[2 * i - 1] = 0
    batch[2 * i] = id
  end
  -- unpack is bounded by Lua's C stack (LUAI_MAXCSTACK 8000): add in slices.
  for i = 1, #batch, 7000 do redis.call("ZADD", KEYS[2], unpack(batch, i, math.min(i + 6999, #batch))) end
end
return res[1]
