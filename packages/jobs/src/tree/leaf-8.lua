--[[
  Moves one page (a leaf) of a sync tree between states, keeping per-node and per-tree counts exact and the
  transition idempotent: a page that runs twice counts once, and `done` is absorbing.

  KEYS[1] tree meta (hash)       KEYS[2] tree counts (hash)     KEYS[3] node hash
  KEYS[4] node leaves (hash)     KEYS[5] node staging set      KEYS[6] tree failed (hash)
  KEYS[7] node's seen cursors (set)  KEYS[8] node's coverage bitmap (offset paging: which true positions we hold)
  ARGV[1] node id   ARGV[2] leaf key   ARGV[3] op   ARGV[4] now (ms)
  op "register":  ARGV[5] state to register in (pending|delayed)
  op "state":     ARGV[5] new non-terminal state (running|delayed|parked|pending)
  op "done":      ARGV[5] anomaly ("" for none)  ARGV[6] total ("" unknown)  ARGV[7] next cursor ("" none)
                  ARGV[8] a non-empty page that adds no new follower ends paging: "1" quietly (a gap page whose
                  items we already had), "2" with an anomaly (endless 1-item pages); "0" never
                  ARGV[9] coverage start ("" none: marks ARGV-many positions from there)
                  ARGV[10] n successors, ARGV[11..] successor leaf keys, then the page's follower ids in ONE
                  argument, a JSON array of strings: one argument, not one per id, costs the worker's Redis client
                  far less, and cjson decodes it in C (issue 11)
                  A cursor seen before in this node ends paging too; both record an anomaly on the node.
  op "fail":      ARGV[5] error json
  op "requeue":   (failed -> pending)
  op "commit":    (committing -> done|partial, after the worker swapped the follower set in)
  op "extend":    ARGV[5] n, ARGV[6..] leaf keys: a committing node found coverage gaps; register these pages and
                  run again (the node's "verify" count says how many rounds it took)
  -> { node state, tree state (or ""), new ids added, successors that are registered (done op), pages the node has
       done in this minute (done op) | "orphan" }
  A "state" op on a page the tree never registered answers node state "orphan": the job must do nothing.
]]
local meta, counts, node, leaves, staging, failed, cursors, cover = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local nodeId, leaf, op, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local call = redis.call

if call("EXISTS", meta) == 0 then return { "unknown", "", 0, {} } end

local function move(from, to)
  if from then
    call("HINCRBY", node, from, -1)
    call("HINCRBY", counts, from, -1)
  end
  call("HINCRBY", counts, to, 1)
  call("HINCRBY", node, to, 1)
  call("HSET", leaves, leaf, to)
end

local function open_count(h)
  local v = call("HMGET", h, "pending", "running", "delayed", "parked")
  return (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0) + (tonumber(v[3]) or 0) + (tonumber(v[4]) or 0)
end

local function settle_tree()
  if tonumber(call("HGET", counts, "nodesOpen") or "0") > 0 then return "" end
  local v = call("HMGET", counts, "nodesDone", "nodesFailed", "nodesTotal")
  local d, f, t = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0
  local state = "partial"
  if d == t then state = "done" elseif f == t then state = "failed" end
  call("HSET", meta, "state", state, "settledAt", now)
  return state
end

local function settle_node(state)
  call("HSET", node, "state", state, "settledAt", now)
  call("HINCRBY", counts, "nodesOpen", -1)
  if state == "done" then call("HINCRBY", counts, "nodesDone", 1)
  elseif state == "failed" then call("HINCRBY", counts, "nodesFailed", 1)
  else call("HINCRBY", counts, "nodesPartial", 1) end
  return settle_tree()
end

-- Called after every transition: a node whose every known page is terminal has finished paging.
local function check_node()
  local state = call("HGET", node, "state")
  if state ~= "pending" and state ~= "running" then return state, "" end
  if open_count(node) > 0 then
    if state == "pending" then call("HSET", node, "state", "running") end
    return "running", ""
  end
  if tonumber(call("HGET", node, "failed") or "0") == 0 then
    call("HSET", node, "state", "committing")
    return "committing", ""
  end
  local s = "failed"
  if tonumber(call("HGET", node, "done") or "0") > 0 then s = "partial" end
  return s, settle_node(s)
end

local old = call("HGET", leaves, leaf)
local added = 0

-- The page's ids, sent as one JSON array of strings (one argument, decoded in C: issue 11), as a list; with `scored`,
-- each after a score of "0" (a ZADD's arguments). And their count.
local function decode(json, scored)
  local ids = cjson.decode(json)
  local n = #ids
  if not scored then return ids, n end
  local out = {}
  for i = 1, n do
    out[2 * i - 1] = "0"
    out[2 * i] = ids[i]
  end
  return out, n
end

if op == "register" then
  if not old then move(nil, ARGV[5]) end
elseif op == "state" then
  if not old then return { "orphan", "", 0, {} } end
  if old == "done" or old == ARGV[5] then return { call("HGET", node, "state") or "", "", 0, {} } end
  move(old, ARGV[5])
  -- The page is open (every state this op sets is): its node cannot have finished, so check_node's count of open
  -- pages is not needed (issue 11: this op runs before every call).
  local state = call("HGET", node, "state") or ""
  if state == "pending" then
    call("HSET", node, "state", "running")
    state = "running"
  end
  return { state, "", 0, {} }
elseif op == "done" then
  if not old then return { "orphan", "", 0, {} } end
  local nsucc = tonumber(ARGV[10])
  local registered = {}
  local rate = 0
  local listed = false -- the successors were checked one by one already
  if old ~= "done" then
    local json = ARGV[11 + nsucc] or "[]"
    local legacy = json ~= "[]" and call("TYPE", staging).ok == "zset"
    local items, count = decode(json, legacy)
    if ARGV[9] ~= "" then
      local start, n = tonumber(ARGV[9]), count
      -- bits a..b: whole bytes in one SETRANGE, SETBIT only at the ragged ends (not one command per follower)
      local a, b = math.max(start, 0), start + n - 1
      while a <= b and a % 8 ~= 0 do call("SETBIT", cover, a, 1); a = a + 1 end
      while b >= a and (b + 1) % 8 ~= 0 do call("SETBIT", cover, b, 1); b = b - 1 end
      if a <= b then call("SETRANGE", cover, a / 8, string.rep("\255", (b - a + 1) / 8)) end
    end
    -- Lua's unpack is bounded by its C stack (~8,000 values): slices of 1,000 ids.
    if legacy then
      -- staged as a ZSET by a version before issue 11 (a deploy mid-sync): keep its kind
      for i = 1, 2 * count, 2000 do
        added = added + call("ZADD", staging, unpack(items, i, math.min(i + 1999, 2 * count)))
      end
    else
      -- on a single Redis the staged SET becomes the account's next version by RENAME (store/publish.ts)
      for i = 1, count, 1000 do
        added = added + call("SADD", staging, unpack(items, i, math.min(i + 999, count)))
      end
    end
    local anomaly, stop = ARGV[5], false
    if ARGV[7] ~= "" and call("SADD", cursors, ARGV[7]) == 0 then
      anomaly, stop = "repeated cursor: paging stopped", true
    elseif ARGV[8] ~= "0" and added == 0 and count > 0 then
      stop = true
      if ARGV[8] == "2" then anomaly = "page added no new follower (endless paging): paging stopped" end
    end
    if not stop then
      for i = 11, 10 + nsucc do
        if call("HEXISTS", leaves, ARGV[i]) == 0 then
          call("HSET", leaves, ARGV[i], "pending")
          call("HINCRBY", node, "pending", 1)
          call("HINCRBY", counts, "pending", 1)
        end
        registered[#registered + 1] = ARGV[i]
      end
      listed = true
    end
    if old == "failed" then call("HDEL", failed, nodeId .. "|" .. leaf) end
    move(old, "done")
    call("HINCRBY", node, "pages", 1)
    -- pages done in the current minute: the whale detector's job-rate trigger (store spike)
    local minute = tostring(math.floor(tonumber(ARGV[4]) / 60000))
    if call("HGET", node, "rateMinute") == minute then
      rate = call("HINCRBY", node, "rateN", 1)
    else
      call("HSET", node, "rateMinute", minute, "rateN", 1)
      rate = 1
    end
    if anomaly ~= "" then call("HSET", node, "anomaly", anomaly) end
    if ARGV[6] ~= "" then
      call("HSET", node, "total", ARGV[6])
      call("HSETNX", node, "total0", ARGV[6])
    end
  end
  if not listed then
    for i = 11, 10 + nsucc do
      if call("HEXISTS", leaves, ARGV[i]) == 1 then registered[#registered + 1] = ARGV[i] end
    end
  end
  local ns, ts = check_node()
  return { ns, ts, added, registered, rate }
elseif op == "fail" then
  if old ~= "done" and old ~= "failed" then
    move(old, "failed")
    call("HSET", failed, nodeId .. "|" .. leaf, ARGV[5])
  end
elseif op == "requeue" then
  if old == "failed" then
    local state = call("HGET", node, "state")
    if state == "partial" or state == "failed" then
      call("HINCRBY", counts, "nodesOpen", 1)
      if state == "failed" then call("HINCRBY", counts, "nodesFailed", -1) else call("HINCRBY", counts, "nodesPartial", -1) end
      call("HSET", node, "state", "running")
      call("HDEL", node, "settledAt")
      call("HSET", meta, "state", "open")
      call("HDEL", meta, "settledAt")
    end
    call("HDEL", failed, nodeId .. "|" .. leaf)
    move(old, "pending")
  end
  return { call("HGET", node, "state") or "", "", 0, {} }
elseif op == "extend" then
  local registered = {}
  if call("HGET", node, "state") == "committing" then
    call("HSET", node, "state", "running")
    call("HINCRBY", node, "verify", 1)
    for i = 6, 5 + tonumber(ARGV[5]) do
      if call("HEXISTS", leaves, ARGV[i]) == 0 then
        call("HSET", leaves, ARGV[i], "pending")
        call("HINCRBY", node, "pending", 1)
        call("HINCRBY", counts, "pending", 1)
      end
      registered[#registered + 1] = ARGV[i]
    end
  end
  return { call("HGET", node, "state") or "", "", 0, registered }
elseif op == "commit" then
  if call("HGET", node, "state") == "committing" then
    local s = "done"
    if call("HEXISTS", node, "anomaly") == 1 then s = "partial" end
    return { s, settle_node(s), 0, {} }
  end
  local settled = call("HGET", meta, "settledAt") and call("HGET", meta, "state") or ""
  return { call("HGET", node, "state") or "", settled, 0, {} }
end

local ns, ts = check_node()
return { ns, ts, added, {} }
