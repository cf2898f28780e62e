--[[
  Publishes a completed sync's staged set as the account's next readable version, once per tree (a retried job may
  call it again), and records what changed against the previous version. Readers switch atomically: the new version
  appears and `meta.version` moves in the same step. The replaced version stays readable for a while (its cursors
  keep working), then expires.

  KEYS[1] meta (hash: version, gen, treeId, count, updatedAt)   KEYS[2] published trees (zset tree id → version)
  KEYS[3] history (zset version → publish time)                 KEYS[4] scratch (the RESTOREd staged SET)
  KEYS[5] new version (zset)   KEYS[6] previous version (zset)
  KEYS[7] change: added (zset)   KEYS[8] change: removed (zset)   KEYS[9] change: info (hash)
  ARGV[1] tree id   ARGV[2] DUMP of the staged SET ("" when the sync found no followers)   ARGV[3] now (ms)
  ARGV[4] the version this publish makes (current + 1, as the caller read it)
  ARGV[5] how long the replaced version stays readable (ms; 0 = not at all)   ARGV[6] change-set retention (ms)
  ARGV[7] generation id to set when the account has none yet (changes after a purge: old versions never match)
  ARGV[8] how long the history remembers versions (ms)
  -> { 1, version, added, removed, count } published now
   | { 0, version } this tree was published before (as that version)
   | { -1, current } someone published meanwhile: read the current version again and retry
]]
local meta, published, history, scratch = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local vnew, vprev, cadd, crem, cinfo = KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local tree, dump, now, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local keepPrev, keepChanges, gen, keepHistory = tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8])
local call = redis.call

local before = call("ZSCORE", published, tree)
if before then return { 0, tonumber(before) } end
local cur = tonumber(call("HGET", meta, "version") or "0")
if cur ~= n - 1 then return { -1, cur } end

-- Leftovers under these names (a purge racing a publish) must never leak into the new version.
call("DEL", vnew, cadd, crem, cinfo)
if dump ~= "" then
  call("RESTORE", scratch, 0, dump, "REPLACE")
  -- Every score 0: members sort by bytes, so ZRANGE BYLEX pages exactly and a cursor is just the last id.
  call("ZUNIONSTORE", vnew, 1, scratch, "WEIGHTS", 0)
  call("DEL", scratch)
end

local added, removed = 0, 0
if cur > 0 then
  added = call("ZDIFFSTORE", cadd, 2, vnew, vprev)
  removed = call("ZDIFFSTORE", crem, 2, vprev, vnew)
  call("HSET", cinfo, "added", added, "removed", removed, "at", now, "tree", tree)
  call("PEXPIRE", cinfo, keepChanges)
  if added > 0 then call("PEXPIRE", cadd, keepChanges) end
  if removed > 0 then call("PEXPIRE", crem, keepChanges) end
  if keepPrev > 0 then call("PEXPIRE", vprev, keepPrev) else call("DEL", vprev) end
end

local count = call("ZCARD", vnew)
if not call("HGET", meta, "gen") then call("HSET", meta, "gen", gen) end
call("HSET", meta, "version", n, "treeId", tree, "updatedAt", now, "count", count)
call("ZADD", published, n, tree)
call("ZREMRANGEBYRANK", published, 0, -201)
call("ZADD", history, now, n)
call("ZREMRANGEBYSCORE", history, "-inf", "(" .. (now - keepHistory))
return { 1, n, added, removed, count }
