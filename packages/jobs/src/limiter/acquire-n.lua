--[[
  Reserves one call on EVERY published-limit factor of a call, or on none. A factor is two rules at once:
  - a sliding log (a sorted set of call times): no rolling window of the factor's length ever holds more than max;
  - GCRA pacing (a theoretical arrival time, "tat"): calls are spaced window/max apart, with up to `burst` at once
    after a quiet spell, so a full window is spread over the window instead of charged in one burst at its start
    (a burst arrives at the API smeared by the callers' own jitter, and its tail lands in the next rolling window).
  The call gets the earliest slot all factors allow. A slot within `horizon` ms is reserved (charged at the slot's
  time; the caller waits until then and calls); a later one is refused with the wait, and nothing is charged.
  A refused caller's wait is spread by a virtual queue (below). A factor may also be blocked until a time the API
  told us (remaining 0, a 429, a usage cap).

  KEYS        per factor, two keys: its sliding log, then its state hash (fields "until", "tat"); all under the
              network's tag; the hash also holds "vq", the refused callers' virtual queue, and "refused", a count of
              refusals while the hash lives (gauges, benches)
  ARGV[1] now in ms ("" = Redis server time, so hosts with skewed clocks agree)
  ARGV[2] a unique member for this call
  ARGV[3] horizon ms: how far ahead a slot may be reserved
  ARGV[4..] per factor, in KEYS order: max, window ms, spacing ms (window/max, may be fractional), burst
  -> { 0, 0, delay ms, slot ms } reserved: call in `delay` ms (0 = now), charged at `slot` (the caller may move
     its entry later, ZADD XX GT, when it went late) | { wait ms, index of the factor that refused }
]]
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local member = ARGV[2]
local horizon = tonumber(ARGV[3])

local n = #KEYS / 2
local slot, who = now, 0
local tats, held = {}, {}
for i = 1, n do
  local max, window = tonumber(ARGV[4 * i]), tonumber(ARGV[4 * i + 1])
  local spacing, burst = tonumber(ARGV[4 * i + 2]), tonumber(ARGV[4 * i + 3])
  local key = KEYS[2 * i - 1]
  local state = redis.call("HMGET", KEYS[2 * i], "until", "tat")
  local earliest = tonumber(state[1] or "0")
  tats[i] = tonumber(state[2] or "0")
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
  local used = redis.call("ZCARD", key)
  if used >= max then
    -- Counting every entry after slot - window (reservations included) keeps any window holding the slot under max:
    -- the slot must follow the (used - max + 1)-th oldest entry by a whole window.
    local oldest = redis.call("ZRANGE", key, used - max, used - max, "WITHSCORES")
    earliest = math.max(earliest, tonumber(oldest[2]) + window + 1)
  end
  -- held: the log (or a block), not the pacing, is what holds this call back: the factor is saturated.
  -- (less a microsecond: tat sums fractional spacings, and their rounding error must not delay a burst by 1 ms)
  local paced = tats[i] - (burst - 1) * spacing - 0.001
  held[i] = earliest > now and earliest > paced and burst < max
  earliest = math.max(earliest, paced)
  if earliest > slot then slot, who = earliest, i end
end

local delay = math.ceil(slot - now)
if delay > horizon then
  -- Refused callers take numbered tickets one spacing apart ("vq", a virtual queue behind the slot) and come back
  -- when theirs is about to fall inside the horizon: not all at once when the first slot frees, each to be refused
  -- again. The wait is only a hint (the caller asks again), so the queue needs no bookkeeping when callers vanish;
  -- it is bounded to a window behind the slot.
  local stateKey, spacing, window = KEYS[2 * who], tonumber(ARGV[4 * who + 2]), tonumber(ARGV[4 * who + 1])
  local ticket = math.min(math.max(tonumber(redis.call("HGET", stateKey, "vq") or "0"), slot), slot + window)
  redis.call("HSET", stateKey, "vq", ticket + spacing)
  redis.call("HINCRBY", stateKey, "refused", 1)
  local keep = math.ceil(ticket + spacing - now) + 1000
  if redis.call("PTTL", stateKey) < keep then redis.call("PEXPIRE", stateKey, keep) end
  return { math.max(delay, math.ceil(ticket - now - horizon / 2)), who }
end
for i = 1, n do
  local window, spacing, burst = tonumber(ARGV[4 * i + 1]), tonumber(ARGV[4 * i + 2]), tonumber(ARGV[4 * i + 3])
  -- A saturated factor spends its burst credit: the calls behind this one follow a spacing apart. Otherwise the
  -- credit outlives the saturation, and each time the log frees the slots of a window-old burst, that many calls
  -- go at once, a burst at every window edge, which a little jitter pushes into the API's previous window.
  local tat = math.max(tats[i], slot) + spacing
  if held[i] then tat = math.max(tat, slot + burst * spacing) end
  redis.call("ZADD", KEYS[2 * i - 1], slot, member)
  redis.call("PEXPIRE", KEYS[2 * i - 1], delay + window + 1000)
  redis.call("HSET", KEYS[2 * i], "tat", tat)
  -- The hash may carry a longer block: only ever extend its life.
  local keep = math.ceil(tat - now) + 1000
  if redis.call("PTTL", KEYS[2 * i]) < keep then redis.call("PEXPIRE", KEYS[2 * i], keep) end
end
return { 0, 0, delay, math.ceil(slot) }
