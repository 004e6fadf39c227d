-- The generational collector (lua.c, and so the CLI, start in generational mode): objects
-- that survived a collection are old and are not traversed again by a minor collection, so
-- every store of a young object into an old one must be seen by a barrier. Each section makes
-- old objects (a full collection), stores young objects into them, then runs minor
-- collections (`collectgarbage("step")`) and allocation; the printed sums check that nothing
-- reachable was freed and that young garbage was.
print(collectgarbage("generational"))
print(collectgarbage("generational"))

local function churn(n)            -- young garbage, enough for automatic collections too
  for i = 1, n do local _ = {i, {}} end
end

local function steps(n)
  local r = {}
  for i = 1, n do r[#r + 1] = tostring(collectgarbage("step")) end
  return table.concat(r, " ")
end

-- 1. young values stored into an old table by every kind of store
local old = {}
local big = {}
for i = 1, 3000 do big[i] = i end    -- a big old table (traversed in parts)
collectgarbage()
for i = 1, 100 do
  old[i] = {i}                       -- SETI / SETTABLE
  old["k" .. i] = {i}                -- SETTABLE with a young string key
  rawset(old, -i, {i})               -- a native's store
end
old.field = {1000}                   -- SETFIELD
table.insert(old, {101})             -- table library
for i = 1, 3000, 7 do big[i] = {i} end
print(steps(3))
churn(20000)
print(steps(2))
local s = 0
for i = 1, 101 do s = s + old[i][1] end
for i = 1, 100 do s = s + old["k" .. i][1] + old[-i][1] end
s = s + old.field[1]
for i = 1, 3000, 7 do s = s + big[i][1] end
print("tables", s)

-- 2. old closures: closed upvalues set to young values, debug.setupvalue, upvaluejoin
local up = {}
local function get() return up end
local function set(v) up = v end
local other = {}
local function get2() return other end
collectgarbage()
set({10, {20}})
print(steps(1))
churn(20000)
print("upvalue", get()[1] + get()[2][1])
debug.setupvalue(get, 1, {30})
print(steps(1))
churn(20000)
print("setupvalue", get()[1])
local function fresh() local cell = {40}; return function() return cell end end
debug.upvaluejoin(get2, 1, fresh(), 1)
print(steps(1))
churn(20000)
print("upvaluejoin", get2()[1])

-- closed upvalues of old closures
local function holder() local up = false; return function(v) if v then up = v end; return up end end
local holders = {}
for j = 1, 200 do holders[j] = holder() end
collectgarbage()
for j = 1, 200 do holders[j]({j}) end
debug.setupvalue(holders[1], 1, {1000})
print(steps(1))
churn(20000)
s = 0
for j = 1, 200 do s = s + holders[j]()[1] end
print("closed upvalues", s)

-- 3. old tables given young metatables; metatables given young metamethods
local obj = {}
local mt = {}
collectgarbage()
setmetatable(obj, {__index = function(_, k) return k * 2 end})
mt.__index = function(_, k) return k * 3 end
local obj2 = setmetatable({}, mt)
print(steps(2))
churn(20000)
print("metatables", obj[5], obj2[5])

-- 4. weak tables across minor collections
local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
local eph = setmetatable({}, {__mode = "k"})
local keepk, keepv = {}, {}
collectgarbage()
wk[keepk] = 1
wk[{}] = 2                           -- young key, unreachable
wv[1] = keepv
wv[2] = {}                           -- young value, unreachable
wv.s = "a string stays"
local ek = {}
eph[ek] = {ek}                       -- ephemeron: the value refers to its key
eph[{}] = 3
print(steps(1))
local function count(t) local n = 0; for _ in pairs(t) do n = n + 1 end; return n end
print("weak after a step", count(wk), count(wv), count(eph), wk[keepk], wv[1] == keepv,
  wv.s, eph[ek][1] == ek)
ek = nil
collectgarbage()
print("ephemeron after a full collection", count(eph))
keepk, keepv = nil, nil
collectgarbage()
print("weak after a full collection", count(wk), count(wv))

-- 5. coroutines: an old suspended coroutine gets young values on its stack
local co = coroutine.wrap(function()
  local t = {}
  collectgarbage()
  for r = 1, 3 do
    t[r] = {r}
    local loc = {r * 10}
    coroutine.yield()
    t[r][2] = loc[1]
  end
  local sum = 0
  for r = 1, 3 do sum = sum + t[r][1] + t[r][2] end
  return sum
end)
co()
local res
for _ = 1, 3 do collectgarbage("step"); churn(5000); res = co() end
print("coroutine", res)

-- 6. mode switches keep everything
local keep = {}
for i = 1, 1000 do keep[i] = {i} end
print(collectgarbage("incremental"))
for i = 1, 1000, 2 do keep[i] = {i} end
churn(20000)
print(collectgarbage("generational"))
for i = 2, 1000, 2 do keep[i] = {i} end
churn(20000)
print(steps(2))
print(collectgarbage("incremental"), collectgarbage("generational"))
s = 0
for i = 1, 1000 do s = s + keep[i][1] end
print("mode switches", s)

-- 7. steps in generational mode never report the end of a cycle, even large ones, even
-- while the collector is stopped
print(collectgarbage("step", 0), collectgarbage("step", 1), collectgarbage("step", 10000))
collectgarbage("stop")
print(collectgarbage("isrunning"), collectgarbage("step"), collectgarbage("step", 100))
collectgarbage("restart")
print(collectgarbage("isrunning"))

-- 8. garbage does not pile up in generational mode
collectgarbage()
local base = collectgarbage("count")
local live = {}
for i = 1, 200000 do
  local t = {i}
  if i % 100 == 0 then live[#live + 1] = t end
end
print("bounded", collectgarbage("count") < base + 4000, #live)
collectgarbage()
print("collected", collectgarbage("count") < base + 400)
