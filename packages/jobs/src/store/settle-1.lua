--[[
  Part of moving a new version's hash table into its doubled table, before any reader sees the version (publish.ts).
  The last SADDs of a sync often leave a SET's table half moved; lookups (a later publish's diff) would finish the
  move while readers hold positions in it, and a batch that changes under a position costs that reader repeated ids
  (page-2.lua). A random pick moves up to 15 buckets, or nothing once the table is whole; picks with repetition
  (a negative count) need no table of their own.

  KEYS[1] the version (set)   ARGV[1] random picks to make
  -> 1
]]
if redis.call("TYPE", KEYS[1]).ok == "set" then redis.call("SRANDMEMBER", KEYS[1], -tonumber(ARGV[1])) end
return 1
