--[[
  Stores an account's sealed token and marks it connected, in one step: the token hash is replaced whole (a refresh
  token of an earlier grant never survives), stamped with the next token version, and the account's hash says
  connected. One command: no round trip for the version first, no MULTI (ioredis copies every script defined on the
  connection into each MULTI it builds: bulk connects, issue 11).

  KEYS[1] account hash  KEYS[2] token hash
  ARGV[1] network  ARGV[2] account id  ARGV[3] now ms  ARGV[4..] sealed fields of the token hash (field, value, ...)
  -> the new token version
]]
local version = redis.call("HINCRBY", KEYS[1], "tokenVersion", 1)
redis.call("DEL", KEYS[2])
redis.call("HSET", KEYS[2], "version", version, unpack(ARGV, 4))
redis.call("HSET", KEYS[1], "network", ARGV[1], "id", ARGV[2], "connected", "1", "connectedAt", ARGV[3])
redis.call("HDEL", KEYS[1], "reason", "disconnectedAt")
return version
