--[[
  Corrects one factor's shared state from what the API said (its headers are the truth): with `remaining` R and
  reset T, the log must hold at least max - R calls that leave the window by T; R = 0 blocks the factor until T.

  KEYS[1] the factor's sliding log   KEYS[2] its block hash (field "until")
  ARGV[1] now ms ("" = server time)  ARGV[2] max  ARGV[3] window ms  ARGV[4] remaining ("" unknown)
  ARGV[5] reset epoch ms ("" unknown)  ARGV[6] block until epoch ms ("" none: a 429 or a cap)  ARGV[7] member prefix
  -> number of phantom calls added
]]
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local key, max, window = KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local remaining, reset, block = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local blockKey = KEYS[2]

if block and block > now then
  local cur = tonumber(redis.call("HGET", blockKey, "until") or "0")
  if block > cur then
    redis.call("HSET", blockKey, "until", block)
    redis.call("PEXPIRE", blockKey, block - now + 1000)
  end
end
if not remaining or not reset or reset <= now then return 0 end
if remaining <= 0 then
  local cur = tonumber(redis.call("HGET", blockKey, "until") or "0")
  if reset > cur then
    redis.call("HSET", blockKey, "until", reset)
    redis.call("PEXPIRE", blockKey, reset - now + 1000)
  end
  return 0
end
redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
-- Calls already made: reservations (scores after now) have not reached the API, so its count does not hold them.
local have = redis.call("ZCOUNT", key, "-inf", now)
local missing = (max - remaining) - have
if missing <= 0 then return 0 end
-- Calls we did not make (another client of the same token): entries that age out exactly at the API's reset.
local score = math.min(now, reset - window)
for i = 1, missing do redis.call("ZADD", key, score, ARGV[7] .. i) end
redis.call("PEXPIRE", key, window + 1000)
return missing
