--[[
  One chunk of a set difference between two versions of one account (store/publish.ts builds a change set with it, a
  chunk per call, so a million-follower version never blocks Redis for long): the members of one SSCAN (or ZSCAN)
  batch of KEYS[1] that KEYS[2] does not hold are added to KEYS[3] (score 0). A version is a SET, or a ZSET when it
  was published before issue 11; either may be the other's kind. A batch may repeat a member: adding it twice is
  harmless.

  KEYS[1] from (set or zset)   KEYS[2] against (set, zset, or none: empty)   KEYS[3] destination (zset)
  ARGV[1] scan cursor ("0" to start)   ARGV[2] COUNT
  -> { next cursor ("0" when KEYS[1] is exhausted), members added }
]]
local from, against, dest = KEYS[1], KEYS[2], KEYS[3]
local call = redis.call
local fkind, akind = call("TYPE", from).ok, call("TYPE", against).ok
if fkind == "none" then return { "0", 0 } end

local res, chunk
if fkind == "set" then
  res = call("SSCAN", from, ARGV[1], "COUNT", ARGV[2])
  chunk = res[2]
else
  res = call("ZSCAN", from, ARGV[1], "COUNT", ARGV[2])
  chunk = {}
  for i = 1, #res[2], 2 do chunk[#chunk + 1] = res[2][i] end
end

-- Lua's unpack takes at most ~8,000 values: every multi-argument call below goes in slices of 2,000.
local held = {}
if akind == "set" or akind == "zset" then
  local cmd = akind == "set" and "SMISMEMBER" or "ZMSCORE"
  for i = 1, #chunk, 2000 do
    local part = call(cmd, against, unpack(chunk, i, math.min(i + 1999, #chunk)))
    for j = 1, #part do held[i + j - 1] = part[j] ~= 0 and part[j] ~= false end
  end
end
local batch, found = {}, 0
for i, m in ipairs(chunk) do
  if not held[i] then
    batch[#batch + 1] = 0
    batch[#batch + 1] = m
    found = found + 1
  end
end
for i = 1, #batch, 2000 do call("ZADD", dest, unpack(batch, i, math.min(i + 1999, #batch))) end
return { res[1], found }
