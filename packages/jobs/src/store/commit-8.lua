--[[
  The last, atomic step of publishing a version (store/publish.ts): the new version's set and its change set were
  built beforehand under names no reader looks at (a version above the current one). This step makes them the
  account's current version, once per tree (a retried job may publish twice), records the change set's counts and
  starts the clocks: the replaced version stays readable for a while (its cursors keep working), then expires.

  KEYS[1] meta (hash: version, gen, treeId, count, updatedAt)   KEYS[2] published trees (zset tree id → version)
  KEYS[3] history (zset version → publish time)
  KEYS[4] new version (set; zset before issue 11)   KEYS[5] previous version (set or zset)
  KEYS[6] change: added (zset)   KEYS[7] change: removed (zset)   KEYS[8] change: info (hash)
  ARGV[1] tree id   ARGV[2] now (ms)   ARGV[3] the version this publish makes (current + 1, as the builder read it)
  ARGV[4] how long the replaced version stays readable (ms; 0 = not at all)   ARGV[5] change-set retention (ms)
  ARGV[6] generation id to set when the account has none yet   ARGV[7] how long the history remembers versions (ms)
  -> { 1, version, added, removed, count } published now
   | { 0, version } this tree was published before (as that version)
   | { -1, current } the current version moved since the build started: build again
]]
local meta, published, history = KEYS[1], KEYS[2], KEYS[3]
local vnew, vprev, cadd, crem, cinfo = KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local tree, now, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local keepPrev, keepChanges, gen, keepHistory = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
local call = redis.call

local before = call("ZSCORE", published, tree)
if before then return { 0, tonumber(before) } end
local cur = tonumber(call("HGET", meta, "version") or "0")
if cur ~= n - 1 then return { -1, cur } end

local added, removed = 0, 0
if cur > 0 then
  added, removed = call("ZCARD", cadd), call("ZCARD", crem)
  call("HSET", cinfo, "added", added, "removed", removed, "at", now, "tree", tree)
  call("PEXPIRE", cinfo, keepChanges)
  if added > 0 then call("PEXPIRE", cadd, keepChanges) end
  if removed > 0 then call("PEXPIRE", crem, keepChanges) end
  if keepPrev > 0 then call("PEXPIRE", vprev, keepPrev) else call("DEL", vprev) end
else
  call("DEL", cadd, crem, cinfo)
end

-- a SET since issue 11; a ZSET when a sync staged before it finishes after the deploy
local count = call("TYPE", vnew).ok == "zset" and call("ZCARD", vnew) or call("SCARD", vnew)
if not call("HGET", meta, "gen") then call("HSET", meta, "gen", gen) end
call("HSET", meta, "version", n, "treeId", tree, "updatedAt", now, "count", count)
call("ZADD", published, n, tree)
call("ZREMRANGEBYRANK", published, 0, -201)
call("ZADD", history, now, n)
call("ZREMRANGEBYSCORE", history, "-inf", "(" .. (now - keepHistory))
return { 1, n, added, removed, count }
