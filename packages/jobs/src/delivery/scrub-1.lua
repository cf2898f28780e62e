--[[
  Removes a purged account from a list of JSON samples. Mode "keys" (the limiter's history): in every sample that
  mentions it, the `keys` entries naming it are dropped. Mode "drop" (error samples): samples that mention it go.
  Atomic, so a writer's LPUSH/LTRIM cannot shift the indexes under us.
  KEYS[1] the list   ARGV[1] the text that names the account (plain match)   ARGV[2] "keys" | "drop"
  -> the number of samples rewritten or dropped
]]
local n = 0
local items = redis.call("LRANGE", KEYS[1], 0, -1)
for i, raw in ipairs(items) do
  if string.find(raw, ARGV[1], 1, true) and ARGV[2] == "drop" then
    redis.call("LSET", KEYS[1], i - 1, "\0purged")
    n = n + 1
  elseif string.find(raw, ARGV[1], 1, true) then
    local ok, sample = pcall(cjson.decode, raw)
    if ok and type(sample) == "table" and type(sample.keys) == "table" then
      local kept = {}
      for _, k in ipairs(sample.keys) do
        if not (type(k) == "table" and type(k.key) == "string" and string.find(k.key, ARGV[1], 1, true)) then table.insert(kept, k) end
      end
      sample.keys = kept
      -- cjson encodes an empty table as an object: keep the shape readers expect
      local out = cjson.encode(sample)
      if #kept == 0 then out = string.gsub(out, '"keys":{}', '"keys":[]') end
      redis.call("LSET", KEYS[1], i - 1, out)
    else
      redis.call("LSET", KEYS[1], i - 1, "{}")
    end
    n = n + 1
  end
end
if ARGV[2] == "drop" and n > 0 then redis.call("LREM", KEYS[1], 0, "\0purged") end
return n
