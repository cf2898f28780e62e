--[[
  A per-network circuit breaker shared by the fleet. Closed: calls flow. After `threshold` consecutive failures it
  opens for a cooldown (doubling on each failed probe, up to a ceiling); while open, calls are delayed, not attempted.
  After the cooldown exactly one caller gets to probe; its success closes the breaker, its failure reopens it.

  KEYS[1] breaker hash: state, failures, openedAt, retryAt, cooldown, probeUntil, opens
  ARGV[1] op: "check" | "success" | "failure" | "reset"   ARGV[2] now ms
  ARGV[3] threshold  ARGV[4] base cooldown ms  ARGV[5] max cooldown ms  ARGV[6] probe lease ms
  -> check:   { 0 go | 1 wait, wait ms, "closed"|"open"|"probe" }
     success: { 0, 0, state }    failure: { 1 if open now else 0, retry in ms, state }
]]
local key, op, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local threshold, base, ceiling, lease = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local h = redis.call("HMGET", key, "state", "failures", "retryAt", "cooldown", "probeUntil")
local state, failures = h[1] or "closed", tonumber(h[2]) or 0
local retryAt, cooldown, probeUntil = tonumber(h[3]) or 0, tonumber(h[4]) or base, tonumber(h[5]) or 0

local function open(cd)
  redis.call("HSET", key, "state", "open", "openedAt", now, "retryAt", now + cd, "cooldown", cd, "probeUntil", 0)
  redis.call("HINCRBY", key, "opens", 1)
  return { 1, cd, "open" }
end

if op == "reset" then
  redis.call("DEL", key)
  return { 0, 0, "closed" }
end

if op == "check" then
  if state == "closed" then return { 0, 0, "closed" } end
  if now < retryAt then return { 1, retryAt - now, "open" } end
  if probeUntil > now then return { 1, probeUntil - now, "open" } end
  redis.call("HSET", key, "probeUntil", now + lease)
  return { 0, 0, "probe" }
end

if op == "success" then
  if state ~= "closed" or failures > 0 then
    redis.call("HSET", key, "state", "closed", "failures", 0, "cooldown", base, "probeUntil", 0)
  end
  return { 0, 0, "closed" }
end

-- failure
if state == "open" then
  if probeUntil > 0 and now >= retryAt then return open(math.min(cooldown * 2, ceiling)) end  -- the probe failed
  return { 1, math.max(retryAt - now, 0), "open" }
end
failures = failures + 1
redis.call("HSET", key, "failures", failures)
if failures >= threshold then return open(base) end
return { 0, 0, "closed" }
