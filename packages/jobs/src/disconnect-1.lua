--[[
  Marks an account disconnected after a call failed on an invalid token, unless the token changed since that call
  read it: a reconnect (or refresh) that landed meanwhile must not be undone by news about the old token.
  KEYS[1] the account's info hash
  ARGV[1] token version the failing call used   ARGV[2] reason   ARGV[3] now (ms)
  -> 1 marked (was connected), 0 marked (already disconnected), -1 the token changed: left connected
]]
local info = KEYS[1]
if tonumber(redis.call("HGET", info, "tokenVersion") or "0") ~= tonumber(ARGV[1]) then return -1 end
local was = redis.call("HGET", info, "connected")
redis.call("HSET", info, "connected", "0", "reason", ARGV[2], "disconnectedAt", ARGV[3])
if was == "1" then return 1 end
return 0
