-- Semantics the interpreter's inline fast paths must keep: tail calls, numeric for loops,
-- stores and loads through tables whose metatables change, native calls.

-- Tail calls: missing parameters become nil, extra arguments are dropped, vararg callers.
local function three(a, b, c) return a, b, c end
local function tail1(x) return three(x) end
local function tail2(...) return three(...) end
local function tail3(x, ...) return three(x, 1, 2, 3, 4) end
print(tail1(1))
print(tail2(1, 2))
print(tail3("v", 9, 9))
print(select('#', tail1()))

-- Deep tail recursion runs in constant stack.
local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
print(count(300000, 0))

-- A tail call from a function with a captured local (its upvalue must be closed first).
local function maker(v)
  local function get() return v end
  return three(get, v)
end
local g, v = maker(42)
print(g(), v)

-- Tail calls to natives and to callable tables.
local function tn(t) return rawlen(t) end
print(tn({1, 2, 3}))
local callable = setmetatable({}, {__call = function(self, a) return "called", a end})
local function tc(a) return callable(a) end
print(tc(7))
local function tail_err() return error("boom") end
print(pcall(tail_err))

-- Tail call results into every caller shape.
local t = {tail1(5), tail1(6)}
print(#t, t[1], t[2])
print((tail1(8)))

-- Numeric for: integer loops with steps, empty ranges, and limits near the edges.
for i = 1, 3 do io.write(i, " ") end print()
for i = 1, 10, 4 do io.write(i, " ") end print()
for i = 5, 1 do io.write(i, " ") end print("empty")
for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end print()
for i = math.mininteger, math.mininteger + 2 do io.write(i, " ") end print()
for i = 1, 3.5 do io.write(i, " ") end print()
for i = 1.0, 3 do io.write(tostring(i), " ") end print()
for i = 3, 1, -1 do io.write(i, " ") end print()
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = 1, "x" do end end))
local n = 0
for i = 1, 0x7fffffffffffffff, 0x4000000000000000 do n = n + 1 end
print(n)

-- Stores into a table with a metatable: __newindex added after the absent cache was filled.
local mt = {}
local obj = setmetatable({}, mt)
obj.a = 1
obj[1] = "one"
obj[{}] = true
mt.__newindex = function(t, k, v) rawset(t, k, v * 10) end
obj.b = 2
obj[2] = 3
print(obj.a, obj.b, obj[1], obj[2])
-- Loads: __index added after misses were cached.
local mt2 = {}
local o2 = setmetatable({}, mt2)
print(o2.x, o2[1])
mt2.__index = function(_, k) return "idx:" .. tostring(k) end
print(o2.x, o2[1])
-- Globals through _ENV with a metatable.
local env = setmetatable({}, {__index = _G})
local f = load("y = 5; return y, print ~= nil", "chunk", "t", env)
print(f())
print(rawget(env, "y"))

-- Table constructors and native calls inside loops.
local acc = 0
for i = 1, 1000 do
  local p = {x = i, y = i * 2}
  acc = acc + p.x + p.y + math.abs(-i) + select("#", i, i)
end
print(acc)
