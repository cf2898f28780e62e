--[[
  A per-network circuit breaker shared by the fleet. It opens on `threshold` consecutive failures (no success in
  between), or when over the last two buckets (2 x bucket ms) at least `threshold` calls failed and the failures are
  at least `ratio` of the calls — either way only if they came from at least `minAccounts` different accounts: an
  outage hits everyone, while one broken account (or 5% noise) does not trip it.
  While open, calls are delayed, not attempted. After the cooldown (doubling on each failed probe, up to a ceiling)
  exactly one caller probes; its success closes the breaker, its failure reopens it.

  KEYS[1] breaker hash: state, streak, bucketAt, calls0, fails0, calls1, fails1, retryAt, cooldown, probeUntil, opens, openedAt
  KEYS[2] set of accounts that failed recently
  ARGV[1] op: "check" | "success" | "failure" | "reset"   ARGV[2] now ms ("" = server time)
  ARGV[3] threshold  ARGV[4] ratio  ARGV[5] min accounts  ARGV[6] bucket ms
  ARGV[7] base cooldown ms  ARGV[8] max cooldown ms  ARGV[9] probe lease ms  ARGV[10] failing account (failure op)
  -> check:   { 0 go | 1 wait, wait ms, "closed"|"open"|"probe" }   (a "go" counts as a call)
     success: { 0, 0, state }    failure: { 1 if open now else 0, retry in ms, state }
]]
local key, accts, op = KEYS[1], KEYS[2], ARGV[1]
local now = tonumber(ARGV[2])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local threshold, ratio, minAccounts, bucket = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local base, ceiling, lease = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])

if op == "reset" then
  redis.call("DEL", key, accts)
  return { 0, 0, "closed" }
end

local h = redis.call("HMGET", key, "state", "bucketAt", "calls0", "fails0", "calls1", "fails1", "retryAt", "cooldown", "probeUntil", "streak")
local state = h[1] or "closed"
local bucketAt, calls0, fails0 = tonumber(h[2]) or now, tonumber(h[3]) or 0, tonumber(h[4]) or 0
local calls1, fails1 = tonumber(h[5]) or 0, tonumber(h[6]) or 0
local retryAt, cooldown, probeUntil = tonumber(h[7]) or 0, tonumber(h[8]) or base, tonumber(h[9]) or 0
local streak = tonumber(h[10]) or 0

-- Roll the buckets forward.
if now - bucketAt >= 2 * bucket then
  calls1, fails1, calls0, fails0, bucketAt = 0, 0, 0, 0, now
elseif now - bucketAt >= bucket then
  calls1, fails1, calls0, fails0, bucketAt = calls0, fails0, 0, 0, bucketAt + bucket
end
local function save()
  redis.call("HSET", key, "bucketAt", bucketAt, "calls0", calls0, "fails0", fails0, "calls1", calls1, "fails1", fails1)
  redis.call("PEXPIRE", key, 86400000)
end
local function open(cd)
  redis.call("HSET", key, "state", "open", "openedAt", now, "retryAt", now + cd, "cooldown", cd, "probeUntil", 0)
  redis.call("HINCRBY", key, "opens", 1)
  return { 1, cd, "open" }
end

if op == "check" then
  if state == "closed" then
    calls0 = calls0 + 1
    save()
    return { 0, 0, "closed" }
  end
  if now < retryAt then return { 1, retryAt - now, "open" } end
  if probeUntil > now then return { 1, probeUntil - now, "open" } end
  redis.call("HSET", key, "probeUntil", now + lease)
  return { 0, 0, "probe" }
end

if op == "success" then
  if state ~= "closed" then
    redis.call("HSET", key, "state", "closed", "cooldown", base, "probeUntil", 0, "calls0", 0, "fails0", 0, "calls1", 0, "fails1", 0, "bucketAt", now, "streak", 0)
    redis.call("DEL", accts)
  elseif streak > 0 then
    redis.call("HSET", key, "streak", 0)
    redis.call("DEL", accts)
  end
  return { 0, 0, "closed" }
end

-- failure
if state == "open" then
  if probeUntil > 0 and now >= retryAt then return open(math.min(cooldown * 2, ceiling)) end  -- the probe failed
  return { 1, math.max(retryAt - now, 0), "open" }
end
fails0 = fails0 + 1
save()
-- A streak whose failing accounts all aged out (2 buckets without a failure) starts over.
if redis.call("EXISTS", accts) == 0 then streak = 0 end
redis.call("HSET", key, "streak", streak + 1)
redis.call("SADD", accts, ARGV[10])
redis.call("PEXPIRE", accts, 2 * bucket)
local fails, calls = fails0 + fails1, math.max(calls0 + calls1, 1)
local tripped = streak + 1 >= threshold or (fails >= threshold and fails / calls >= ratio)
if tripped and redis.call("SCARD", accts) >= minAccounts then
  redis.call("DEL", accts)
  redis.call("HSET", key, "streak", 0)
  return open(base)
end
return { 0, 0, "closed" }
