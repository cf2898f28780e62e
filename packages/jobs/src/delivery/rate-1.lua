--[[
  Sliding-window request limit of one API key: a sorted set of request times, trimmed to the window on every call.

  KEYS[1] the key's window (zset: member unique per request, score = time ms)
  ARGV[1] now (ms)   ARGV[2] window (ms)   ARGV[3] max requests per window   ARGV[4] member for this request
  -> { 1, remaining, ms until the oldest request leaves the window }   allowed (and charged)
   | { 0, 0, ms until one more request fits }                            refused (not charged)
]]
local key = KEYS[1]
local now, window, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
local n = redis.call("ZCARD", key)
if n >= max then
  local oldest = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")
  return { 0, 0, math.max(1, tonumber(oldest[2]) + window - now) }
end
redis.call("ZADD", key, now, ARGV[4])
redis.call("PEXPIRE", key, window)
local first = redis.call("ZRANGE", key, 0, 0, "WITHSCORES")
return { 1, max - n - 1, math.max(0, tonumber(first[2]) + window - now) }
