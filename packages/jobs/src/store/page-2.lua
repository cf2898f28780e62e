--[[
  One page of one version of an account's followers, from a position the previous page returned.

  A version is a SET (issue 11: storing a page costs a SADD, as in a plain worker) or, if published before that, a
  ZSET of score 0 (paged by member order from the last member returned).
  A SET is paged with SSCAN. A page that ends inside a batch sorts that batch, and its position names the batch (its
  SSCAN cursor and the COUNT it was asked with), how many of its sorted members were returned, and a hash of those.
  Re-asking one cursor with one COUNT of a set that has not changed answers the same members, so the next page
  starts exactly where the last one stopped: no id twice, none missed, exactly `limit` per page but the last.
  A version never changes once published, and publishing finishes any move of its hash table into a doubled one
  (settle-1.lua), so its batches stay put. Should a table still move (a Redis that deferred a resize during a fork,
  a restore), lookups advance the move (a later publish's diff). While it moves, a batch keeps its members (they go
  to the buckets SSCAN visits for the same cursor); only when the move ends can a batch change. Then the hash
  differs and the page takes that batch whole: an id may come twice, none is ever missed (SSCAN's guarantee).

  KEYS[1] meta (hash)   KEYS[2] the version's key
  ARGV[1] version   ARGV[2] generation the caller expects ("" = any)   ARGV[4] how many members (0: none, only the
  version's facts, for a caller that walks it with SSCAN itself)
  ARGV[3] position: "" from the start | "m" .. last member (ZSET) | "s" .. cursor:count:skip:hash (SET)
  -> { "ok", version, generation, count of the whole version, { ids… }, next position ("" = no more), kind (set|zset|none) }
   | { "gone" }   the version expired (or never existed in this generation)
   | { "moved", current }   the version asked for as "current" was replaced and is gone: ask again
   | { "badcursor" }   a position of the other kind of version, or malformed: not one Fanout issued
]]
local meta, vkey = KEYS[1], KEYS[2]
local n, want, pos, limit = tonumber(ARGV[1]), ARGV[2], ARGV[3], tonumber(ARGV[4])
local call = redis.call

local cur = tonumber(call("HGET", meta, "version") or "0")
local gen = call("HGET", meta, "gen") or ""
if want ~= "" and want ~= gen then return { "gone" } end
if n > cur then return { "gone" } end
local kind = call("TYPE", vkey).ok
if kind == "none" then
  -- An empty version has no key: only the current one can be known to be empty.
  if n == cur then return { "ok", n, gen, 0, {}, "", kind } end
  if want == "" then return { "moved", cur } end
  return { "gone" }
end

if limit == 0 then
  return { "ok", n, gen, kind == "zset" and call("ZCARD", vkey) or call("SCARD", vkey), {}, "", kind }
end

if kind == "zset" then
  local min = "-"
  if pos ~= "" then
    if string.sub(pos, 1, 1) ~= "m" or #pos < 2 then return { "badcursor" } end
    min = "(" .. string.sub(pos, 2)
  end
  -- one more than asked: a full last page then says "no next" without a trailing empty page
  local ids = call("ZRANGE", vkey, min, "+", "BYLEX", "LIMIT", 0, limit + 1)
  local nextp = ""
  if #ids > limit then
    ids[#ids] = nil
    nextp = "m" .. ids[#ids]
  end
  return { "ok", n, gen, call("ZCARD", vkey), ids, nextp, kind }
end

local function prefix(batch, k)
  if k == 0 then return "" end
  return string.sub(redis.sha1hex(table.concat(batch, "\n", 1, k)), 1, 12)
end

local scan, asked, skip, hash = "0", 0, 0, ""
if pos ~= "" then
  local c, a, s, h = string.match(pos, "^s(%d+):(%d+):(%d+):(%x*)$")
  if not c then return { "badcursor" } end
  scan, asked, skip, hash = c, tonumber(a), tonumber(s), h
  if skip > 0 and (asked < 1 or asked > 100000) then return { "badcursor" } end
end

local out, first = {}, true
while true do
  local room = limit - #out
  -- Batches a little smaller than the room left, so that the one a page ends inside is small: it gets sorted.
  local count = room > 64 and math.min(room - 32, 1000) or math.max(room, 10)
  if first and skip > 0 then count = asked end
  local res = call("SSCAN", vkey, scan, "COUNT", count)
  local batch = res[2]
  local start, sorted = 1, false
  if first and skip > 0 then
    table.sort(batch)
    sorted = true
    if skip <= #batch and prefix(batch, skip) == hash then start = skip + 1 end
  end
  first = false
  if #batch - start + 1 > room then
    -- The page ends inside this batch (or, full, has found one more member): in sorted order, so that the next
    -- page takes up exactly where this one stops.
    if not sorted and room > 0 then table.sort(batch) end
    local upto = start + room - 1
    for i = start, upto do out[#out + 1] = batch[i] end
    return { "ok", n, gen, call("SCARD", vkey), out, "s" .. scan .. ":" .. count .. ":" .. upto .. ":" .. prefix(batch, upto), kind }
  end
  for i = start, #batch do out[#out + 1] = batch[i] end
  scan = res[1]
  if scan == "0" then return { "ok", n, gen, call("SCARD", vkey), out, "", kind } end
end
