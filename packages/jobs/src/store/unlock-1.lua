--[[
  Releases a lock only if it is still ours (it may have expired and been taken by someone else meanwhile).
  KEYS[1] lock   ARGV[1] our token   -> 1 released, 0 not ours
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
