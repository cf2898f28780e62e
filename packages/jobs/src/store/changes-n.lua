--[[
  What changed between version S (the client's) and the current version C: the change sets S+1..C folded in order,
  exactly (an id added then removed cancels out). Atomic, and scratch keys are gone before it returns.

  KEYS[1] meta (hash)   KEYS[2..5] scratch: added, removed, t1, t2
  KEYS[6..] per version S+1..C in order: its change set's added zset, removed zset, info hash
  ARGV[1] C (the current version as the caller read it)   ARGV[2] generation the caller expects   ARGV[3] max ids
  -> { "ok", { added… }, { removed… } }   (each sorted by bytes)
   | { "moved", current }   a version was published meanwhile: ask again
   | { "gone" }   a change set expired, or another generation (after a purge): re-read the full set
   | { "too-many", n }   more than max ids changed: re-read the full set
]]
local meta, A, R, t1, t2 = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local c, gen, maxIds = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local call = redis.call

if (call("HGET", meta, "gen") or "") ~= gen then return { "gone" } end
local cur = tonumber(call("HGET", meta, "version") or "0")
if cur ~= c then return { "moved", cur } end
for i = 6, #KEYS, 3 do
  if call("EXISTS", KEYS[i + 2]) == 0 then return { "gone" } end
end

call("DEL", A, R, t1, t2)
for i = 6, #KEYS, 3 do
  local add, rem = KEYS[i], KEYS[i + 1]
  if i == 6 then
    call("ZUNIONSTORE", A, 1, add)
    call("ZUNIONSTORE", R, 1, rem)
  else
    -- Invariant: A = V(k) \ V(S), R = V(S) \ V(k). Then A' = (A \ rem) ∪ (add \ R) and R' = (R \ add) ∪ (rem \ A).
    call("ZDIFFSTORE", t1, 2, add, R)
    call("ZDIFFSTORE", t2, 2, rem, A)
    call("ZDIFFSTORE", A, 2, A, rem)
    call("ZDIFFSTORE", R, 2, R, add)
    call("ZUNIONSTORE", A, 2, A, t1, "WEIGHTS", 0, 0)
    call("ZUNIONSTORE", R, 2, R, t2, "WEIGHTS", 0, 0)
  end
end
local n = call("ZCARD", A) + call("ZCARD", R)
if n > maxIds then
  call("DEL", A, R, t1, t2)
  return { "too-many", n }
end
local added, removed = call("ZRANGE", A, 0, -1), call("ZRANGE", R, 0, -1)
call("DEL", A, R, t1, t2)
return { "ok", added, removed }
