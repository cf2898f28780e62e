--[[
  One page of one version of an account's followers, by member order (bytes), starting after a member.

  KEYS[1] meta (hash)   KEYS[2] the version's zset
  ARGV[1] version   ARGV[2] generation the caller expects ("" = any)   ARGV[3] last member seen ("" = from the start)
  ARGV[4] how many members
  -> { "ok", version, generation, count of the whole version, { ids… } }
   | { "gone" }   the version expired (or never existed in this generation)
   | { "moved", current }   the version asked for as "current" was replaced and is gone: ask again
]]
local meta, vkey = KEYS[1], KEYS[2]
local n, want, after, limit = tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4])
local call = redis.call

local cur = tonumber(call("HGET", meta, "version") or "0")
local gen = call("HGET", meta, "gen") or ""
if want ~= "" and want ~= gen then return { "gone" } end
if n > cur then return { "gone" } end
if call("EXISTS", vkey) == 0 then
  -- An empty version has no key: only the current one can be known to be empty.
  if n == cur then return { "ok", n, gen, 0, {} } end
  if want == "" then return { "moved", cur } end
  return { "gone" }
end
local min = "-"
if after ~= "" then min = "(" .. after end
return { "ok", n, gen, call("ZCARD", vkey), call("ZRANGE", vkey, min, "+", "BYLEX", "LIMIT", 0, limit) }
