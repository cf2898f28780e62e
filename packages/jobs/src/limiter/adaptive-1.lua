--[[
  One shared adaptive limiter for a key whose limit nobody publishes (LinkedIn, Facebook, a hidden bucket).
  The allowed rate follows CUBIC (RFC 8312): after a cut to beta * Wmax it regrows along a cubic curve that flattens
  near Wmax, the last rate that was refused, then probes past it slowly. Calls are paced (GCRA) at that rate, so the
  whole fleet sends as one careful client.

  KEYS[1] state hash: wmax, cutAt, tat, createdAt, throttles, lastThrottleAt
  ARGV[1] op: "acquire" | "throttled" | "peek"
  ARGV[2] now ms ("" = server time)
  ARGV[3] initial rate/s  ARGV[4] min rate/s  ARGV[5] max rate/s  ARGV[6] beta  ARGV[7] C  ARGV[8] slow-start doubling ms
  ARGV[9] operator cap rate/s ("" none)  ARGV[10] tolerance ms (how early a call may go)  ARGV[11] cut cooldown ms
  -> acquire: { wait ms (0 = go), rate x1000 }   throttled: { 1 if cut now else 0, rate x1000 }   peek: { 0, rate x1000, wmax x1000, throttles }
]]
local key, op = KEYS[1], ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local initial, minr, maxr = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local beta, C, doubling = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local cap, tolerance, cooldown = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])

local s = redis.call("HMGET", key, "wmax", "cutAt", "tat", "createdAt", "throttles")
local wmax, cutAt, tat = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
local createdAt, throttles = tonumber(s[4]), tonumber(s[5]) or 0
if not createdAt then
  createdAt = now
  redis.call("HSET", key, "createdAt", now)
end

local function rate()
  local r
  if wmax == 0 then
    r = initial * math.pow(2, (now - createdAt) / doubling)  -- slow start until the first refusal
  else
    local t = (now - cutAt) / 1000
    local k = ((wmax * (1 - beta)) / C) ^ (1 / 3)
    r = C * (t - k) ^ 3 + wmax
  end
  if cap and r > cap then r = cap end
  if r > maxr then r = maxr end
  if r < minr then r = minr end
  return r
end

local r = rate()
if op == "peek" then return { 0, math.floor(r * 1000), math.floor(wmax * 1000), throttles } end

if op == "throttled" then
  redis.call("HINCRBY", key, "throttles", 1)
  redis.call("HSET", key, "lastThrottleAt", now)
  -- Refusals of calls sent before the last cut took effect say nothing new.
  if now - cutAt < cooldown then return { 0, math.floor(r * 1000) } end
  local newmax = r
  if wmax > 0 and r < wmax then newmax = r * (1 + beta) / 2 end  -- fast convergence: the limit moved down
  redis.call("HSET", key, "wmax", newmax, "cutAt", now)
  -- Push the next slot out by one new interval so the fleet backs off at once.
  local interval = 1000 / math.max(beta * r, minr)
  redis.call("HSET", key, "tat", math.max(tat, now) + interval)
  return { 1, math.floor(beta * r * 1000) }
end

-- acquire
local interval = 1000 / r
if tat - now > tolerance then return { math.ceil(tat - now - tolerance), math.floor(r * 1000) } end
redis.call("HSET", key, "tat", math.max(tat, now) + interval)
redis.call("PEXPIRE", key, 86400000)
return { 0, math.floor(r * 1000) }
