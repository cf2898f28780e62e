--[[
  One acquisition in one script: the breaker's check, then every published factor, then the adaptive pace. Each part
  is its own file's script, run here as a function of the same name (scripts.ts composes them: `breaker` is
  breaker-2.lua, `acquire` acquire-n.lua, `adaptive` adaptive-1.lua, each called with its own KEYS and ARGV).
  In one script a later part sees what an earlier one answered: an open breaker reserves nothing; a slot the factors
  reserved is given back when the adaptive pace refuses. And it is one command, where three scripts in a pipeline
  cost the caller a pipeline per call (issue 11).

  KEYS[1] breaker hash  KEYS[2] breaker's failing accounts  KEYS[3] adaptive state  KEYS[4] the gauges' index of
  live factor keys (zset)  KEYS[5..] per factor, its sliding log and its state hash (acquire-n.lua)
  ARGV[1] now ms ("" = server time)  ARGV[2] "1": pace by the adaptive limiter
  ARGV[3..9] breaker params (breaker-2.lua's ARGV[3..9])  ARGV[10..18] adaptive params (adaptive-1.lua's ARGV[3..11])
  ARGV[19] member for this call  ARGV[20] horizon ms  ARGV[21] the index's score (client ms)
  ARGV[22..] per factor, in KEYS order: its name in the index, max, window ms, spacing ms, burst
  -> { breaker's answer, the factors' answer ({} when none), the adaptive answer ({} when not used) }; a part that
     refused is the last one with an answer
]]
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local b = breaker({ KEYS[1], KEYS[2] }, { "check", now, ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], "" })
if b[1] == 1 then return { b, {}, {} } end

local nf = (#KEYS - 4) / 2
local known = {}
if nf > 0 then
  local keys, args, index = {}, { now, ARGV[19], ARGV[20] }, {}
  for i = 1, nf do
    keys[2 * i - 1], keys[2 * i] = KEYS[3 + 2 * i], KEYS[4 + 2 * i]
    local at = 22 + 5 * (i - 1)
    index[2 * i - 1], index[2 * i] = ARGV[21], ARGV[at]
    for j = 1, 4 do args[4 * i + j - 1] = ARGV[at + j] end
  end
  known = acquire(keys, args)
  redis.call("ZADD", KEYS[4], unpack(index))
  if known[1] > 0 then return { b, known, {} } end
end

if ARGV[2] ~= "1" then return { b, known, {} } end
local a = adaptive({ KEYS[3] }, { "acquire", now, ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15], ARGV[16], ARGV[17], ARGV[18] })
if a[1] > 0 then
  for i = 1, nf do redis.call("ZREM", KEYS[3 + 2 * i], ARGV[19]) end
end
return { b, known, a }
