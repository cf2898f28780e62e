--[[
  Takes one call from EVERY published-limit factor of a call, or from none: each factor is a sliding log (a sorted
  set of call times), so no rolling window of a factor's length ever holds more than its max. A factor may also be
  blocked until a time the API told us (remaining 0, a 429, a usage cap).

  KEYS        per factor, two keys: its sliding log, then its block hash (field "until"); all under the network's tag
  ARGV[1] now in ms ("" = Redis server time, so hosts with skewed clocks agree)
  ARGV[2] a unique member for this call
  ARGV[3..] per factor, in KEYS order: max, window ms
  -> { 0, 0 } admitted (charged everywhere) | { wait ms, index of the factor that refused }
]]
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local member = ARGV[2]
local wait, who = 0, 0

local n = #KEYS / 2
for i = 1, n do
  local max, window = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  local key = KEYS[2 * i - 1]
  local blocked = tonumber(redis.call("HGET", KEYS[2 * i], "until") or "0")
  local w = 0
  if blocked > now then
    w = blocked - now
  else
    redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
    local used = redis.call("ZCARD", key)
    if used >= max then
      -- the call that frees a slot: the (used - max + 1)-th oldest leaving the window
      local oldest = redis.call("ZRANGE", key, used - max, used - max, "WITHSCORES")
      w = tonumber(oldest[2]) + window - now + 1
    end
  end
  if w > wait then wait, who = w, i end
end

if wait > 0 then return { wait, who } end
for i = 1, n do
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call("ZADD", KEYS[2 * i - 1], now, member)
  redis.call("PEXPIRE", KEYS[2 * i - 1], window + 1000)
end
return { 0, 0 }
