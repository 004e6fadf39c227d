-- Field access through one instruction on tables whose layouts differ: each GETFIELD,
-- SETFIELD, SELF and global access remembers where its key was last found, and must still
-- find the right entry (or none) when the table, its layout or its metatable changes.

-- One instruction, tables of different shapes and sizes.
local shapes = {
  {x = 1},
  {a = 0, x = 2},
  {a = 0, b = 0, c = 0, x = 3},
  {p = 1, q = 2, r = 3, s = 4, t = 5, u = 6, v = 7, x = 4},
  {},
  setmetatable({}, {__index = {x = 6}}),
  setmetatable({x = 7}, {__index = {x = 99}}),
}
for round = 1, 3 do
  local out = {}
  for i, t in ipairs(shapes) do
    out[#out + 1] = tostring(t.x)
  end
  print(round, table.concat(out, " "))
end

-- The key moves when the table grows (rehash) between two runs of the same instruction.
local t = {x = "first"}
local function getx(o) return o.x end
local function setx(o, v) o.x = v end
print(getx(t))
for i = 1, 40 do t["k" .. i] = i end
print(getx(t))
setx(t, "second")
print(getx(t), t.k17)
for i = 1, 40 do t["k" .. i] = nil end
collectgarbage()
for i = 41, 50 do t["k" .. i] = i end
print(getx(t), t.k45)

-- A key removed and stored again (a dead node): the store goes through the normal path.
local d = {x = 1, y = 2}
setx(d, nil)
print(getx(d), d.y)
setx(d, 3)
print(getx(d), d.y, next({}))

-- __newindex is consulted only for absent keys, whatever the instruction saw before.
local log = {}
local proxy = setmetatable({}, {__newindex = function(o, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(o, k, v) end})
setx(proxy, 1)   -- absent: __newindex
setx(proxy, 2)   -- present: raw
setx(proxy, nil) -- present: raw, now absent
setx(proxy, 3)   -- absent again: __newindex
print(table.concat(log, " "), proxy.x)

-- __index behind a hinted lookup that misses.
local base = {x = "from base"}
local obj = setmetatable({}, {__index = base})
print(getx(obj))
obj.x = "own"
print(getx(obj))
obj.x = nil
print(getx(obj))

-- Methods (SELF) on objects of two classes through one call site.
local A = {} A.__index = A
function A:name() return "A" end
local B = {} B.__index = B
function B:name() return "B" end
B.extra = 1
local objs = {setmetatable({}, A), setmetatable({}, B), setmetatable({name = function() return "own" end}, A)}
local names = {}
for _, o in ipairs(objs) do names[#names + 1] = o:name() end
print(table.concat(names, " "))

-- Globals: the same GETTABUP against environments of different layouts.
local function readg(env)
  return load("return gx", "chunk", "t", env)()
end
print(readg({gx = 1}), readg({a = 1, b = 2, gx = 2}), readg({}))
gx = "global"
local function g() return gx end
print(g())
for i = 1, 100 do _G["filler" .. i] = i end
print(g())
gx = nil
print(g())
for i = 1, 100 do _G["filler" .. i] = nil end

-- Many keys: a node index past what a hint can hold still finds its key.
local big = {}
for i = 1, 70000 do big["key" .. i] = i end
local sum = 0
for _, k in ipairs({"key1", "key65535", "key65536", "key69999", "key70000"}) do
  sum = sum + load("local t = ... return t." .. k)(big)
end
print(sum)
local function readlast(o) return o.key70000 end
print(readlast(big), readlast(big), readlast({key70000 = "small"}))
