--[[
  One shared adaptive limiter for a key whose limit nobody publishes (LinkedIn, Facebook, a hidden bucket).
  Until the first refusal nothing is paced (like the AWS SDKs' adaptive mode, the limiter engages on the first
  throttle); the send rate is measured meanwhile. From then on the allowed rate follows CUBIC (RFC 8312): after a cut
  to beta * Wmax it regrows along a cubic curve that flattens near Wmax, the last rate that was refused, then probes
  past it slowly. Calls are paced (GCRA) at that rate, so the whole fleet sends as one careful client.

  KEYS[1] state hash: wmax, cutAt, tat, createdAt, throttles, lastThrottleAt, winAt, winCount, lastRate
  ARGV[1] op: "acquire" | "throttled" | "peek"
  ARGV[2] now ms ("" = server time)
  ARGV[3] initial rate/s (used when a refusal comes before any rate was measured)  ARGV[4] min rate/s
  ARGV[5] max rate/s  ARGV[6] beta  ARGV[7] C  ARGV[8] unused (kept for the argument layout)
  ARGV[9] operator cap rate/s ("" none)  ARGV[10] tolerance ms (how early a call may go)  ARGV[11] cut cooldown ms
  -> acquire: { wait ms (0 = go), rate x1000 }   throttled: { 1 if cut now else 0, rate x1000 }
     peek: { 0, rate x1000 (the measured send rate while not engaged), wmax x1000 (0: not engaged), throttles }
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

local s = redis.call("HMGET", key, "wmax", "cutAt", "tat", "winAt", "throttles", "winCount", "lastRate")
local wmax, cutAt, tat = tonumber(s[1]) or 0, tonumber(s[2]) or 0, tonumber(s[3]) or 0
local winAt, throttles = tonumber(s[4]) or now, tonumber(s[5]) or 0
local winCount, lastRate = tonumber(s[6]) or 0, tonumber(s[7]) or 0

-- The measured send rate: calls in the last full second, or the current second's pace if higher.
local function measured()
  local elapsed = math.max(now - winAt, 1)
  local current = winCount * 1000 / math.max(elapsed, 250)
  if now - winAt >= 2000 then return current end
  return math.max(lastRate, current)
end

local function rate()
  if wmax == 0 then return math.min(cap or maxr, maxr) end
  local t = (now - cutAt) / 1000
  local k = ((wmax * (1 - beta)) / C) ^ (1 / 3)
  local r = C * (t - k) ^ 3 + wmax
  if cap and r > cap then r = cap end
  if r > maxr then r = maxr end
  if r < minr then r = minr end
  return r
end

local r = rate()
if op == "peek" then
  if wmax == 0 then return { 0, math.floor(measured() * 1000), 0, throttles } end
  return { 0, math.floor(r * 1000), math.floor(wmax * 1000), throttles }
end

if op == "throttled" then
  redis.call("HINCRBY", key, "throttles", 1)
  redis.call("HSET", key, "lastThrottleAt", now)
  -- Refusals of calls sent before the last cut took effect say nothing new.
  if now - cutAt < cooldown then return { 0, math.floor(r * 1000) } end
  if wmax == 0 then r = math.max(math.min(measured(), maxr), minr) end  -- the first refusal: engage at the rate sent
  if wmax == 0 and r <= minr then r = math.max(initial, minr) end
  local newmax = r
  if wmax > 0 and r < wmax then newmax = r * (1 + beta) / 2 end  -- fast convergence: the limit moved down
  redis.call("HSET", key, "wmax", newmax, "cutAt", now)
  -- Push the next slot out by one new interval so the fleet backs off at once.
  local interval = 1000 / math.max(beta * r, minr)
  redis.call("HSET", key, "tat", math.max(tat, now) + interval)
  return { 1, math.floor(beta * r * 1000) }
end

-- acquire
if wmax == 0 then
  -- Not engaged: admit, and measure the send rate in one-second windows.
  if now - winAt >= 1000 then
    redis.call("HSET", key, "lastRate", winCount * 1000 / (now - winAt), "winAt", now, "winCount", 1)
  else
    redis.call("HSET", key, "winAt", winAt, "winCount", winCount + 1)
  end
  redis.call("PEXPIRE", key, 86400000)
  return { 0, math.floor(r * 1000) }
end
local interval = 1000 / r
if tat - now > tolerance then return { math.ceil(tat - now - tolerance), math.floor(r * 1000) } end
redis.call("HSET", key, "tat", math.max(tat, now) + interval)
redis.call("PEXPIRE", key, 86400000)
return { 0, math.floor(r * 1000) }
