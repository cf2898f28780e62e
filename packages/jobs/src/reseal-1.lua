--[[
  Replaces a sealed token hash's values only if they are still the ones we read: a token reconnected or refreshed
  meanwhile (already sealed under the current key) is never overwritten with an older one.
  KEYS[1] the account's token hash
  ARGV[1] token as read   ARGV[2] refreshToken as read ("" for none)
  ARGV[3] token re-sealed ARGV[4] refreshToken re-sealed ("" for none)   ARGV[5] the current key id
  -> 1 replaced, 0 changed meanwhile (or gone)
]]
if redis.call("HGET", KEYS[1], "token") ~= ARGV[1] then return 0 end
if (redis.call("HGET", KEYS[1], "refreshToken") or "") ~= ARGV[2] then return 0 end
redis.call("HSET", KEYS[1], "token", ARGV[3], "keyId", ARGV[5])
if ARGV[4] ~= "" then redis.call("HSET", KEYS[1], "refreshToken", ARGV[4]) end
return 1
