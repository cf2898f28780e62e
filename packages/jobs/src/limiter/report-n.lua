--[[
  What one answered call tells the limiter, in one script: a success ends the breaker's failure streak, the rate
  headers correct the factor they describe, a throttle cuts the adaptive pace, and a 429 while calls were left moves
  the network to the adaptive pace until the reset. Each part is its own file's script, run here as a function of the
  same name (scripts.ts composes them: `breaker` is breaker-2.lua, `observe` observe-2.lua, `adaptive`
  adaptive-1.lua). One command, where the parts as scripts in a pipeline cost the caller a pipeline per call (issue 11).

  KEYS[1] breaker hash  KEYS[2] breaker's failing accounts  KEYS[3] adaptive state  KEYS[4] the network's overrides
  (hash)  KEYS[5..6] (when the headers describe a factor) its sliding log and its state hash (observe-2.lua)
  ARGV[1] now ms ("" = server time)  ARGV[2] "1": the call succeeded  ARGV[3] "1": cut the adaptive pace
  ARGV[4] pace adaptively until this epoch ms ("" no)  ARGV[5..11] breaker params (breaker-2.lua's ARGV[3..9])
  ARGV[12..20] adaptive params (adaptive-1.lua's ARGV[3..11])
  ARGV[21..26] (with KEYS[5..6]) observe-2.lua's ARGV[2..7]: max, window ms, remaining, reset, block until, member prefix
  -> 1
]]
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

if ARGV[2] == "1" then
  breaker({ KEYS[1], KEYS[2] }, { "success", now, ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], "" })
end
if #KEYS >= 6 then
  observe({ KEYS[5], KEYS[6] }, { now, ARGV[21], ARGV[22], ARGV[23], ARGV[24], ARGV[25], ARGV[26] })
end
if ARGV[3] == "1" then
  adaptive({ KEYS[3] }, { "throttled", now, ARGV[12], ARGV[13], ARGV[14], ARGV[15], ARGV[16], ARGV[17], ARGV[18], ARGV[19], ARGV[20] })
end
if ARGV[4] ~= "" then redis.call("HSET", KEYS[4], "adaptiveUntil", ARGV[4]) end
return 1
