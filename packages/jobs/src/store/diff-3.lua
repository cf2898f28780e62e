--[[
  One chunk of a set difference between two zsets of one account (store/publish.ts builds a change set with it, a
  chunk per call, so a million-follower version never blocks Redis for long): the members of KEYS[1] after ARGV[1],
  up to ARGV[2] of them, that KEYS[2] does not hold, are added to KEYS[3] (score 0).

  KEYS[1] from (zset, scores 0)   KEYS[2] against (zset)   KEYS[3] destination (zset)
  ARGV[1] last member of the previous chunk ("" = from the start)   ARGV[2] chunk size
  -> { last member of this chunk ("" when KEYS[1] is exhausted), members added }
]]
local from, against, dest = KEYS[1], KEYS[2], KEYS[3]
local after, limit = ARGV[1], tonumber(ARGV[2])
local min = "-"
if after ~= "" then min = "(" .. after end
local chunk = redis.call("ZRANGE", from, min, "+", "BYLEX", "LIMIT", 0, limit)
if #chunk == 0 then return { "", 0 } end
local found = 0
-- Lua's unpack takes at most ~8,000 values: every multi-argument call below goes in slices of 2,000.
local scores = {}
for i = 1, #chunk, 2000 do
  local part = redis.call("ZMSCORE", against, unpack(chunk, i, math.min(i + 1999, #chunk)))
  for j = 1, #part do scores[i + j - 1] = part[j] end
end
local batch = {}
for i, m in ipairs(chunk) do
  if not scores[i] then
    batch[#batch + 1] = 0
    batch[#batch + 1] = m
    found = found + 1
  end
end
for i = 1, #batch, 2000 do redis.call("ZADD", dest, unpack(batch, i, math.min(i + 1999, #batch))) end
if #chunk < limit then return { "", found } end
return { chunk[#chunk], found }
