-- Calls, varargs, multiple results, tail calls, recursion limits, pcall interplay.
local function va(...) return select('#', ...), ... end
print(va())
print(va(nil, nil))
print(va(1, 2, 3))
print((va(1, 2, 3)))
local function pack(...) return {n = select('#', ...), ...} end
local p = pack(1, nil, 3, nil)
print(p.n, p[1], p[2], p[3], p[4])
print(select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select('#'))
local function mr() return 1, 2, 3 end
local t = {mr(), mr()}
print(#t, t[1], t[2], t[4])
print(mr(), mr())
print({mr()} ~= nil, (mr()))
-- tail recursion in constant space
local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
print(count(1000000, 0))
-- deep recursion -> stack overflow error, catchable
local function deep(n) return 1 + deep(n + 1) end
local ok, err = pcall(deep, 1)
print(ok, err)
-- error objects pass through pcall untouched
local obj = {}
local ok2, e2 = pcall(error, obj)
print(ok2, e2 == obj)
-- nested pcall
print(pcall(pcall, error, "x"))
print(pcall(pcall))
print(xpcall(function() error("inner") end, function(m) return "handled: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(xpcall(error, function(m) error("again") end, "a"))
print(pcall(xpcall))
print(pcall(xpcall, print))
-- closures and upvalues
local function counter()
  local c = 0
  return function() c = c + 1; return c end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c2(), c1())
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
local shared
do local x = 10; shared = {function() x = x + 1 return x end, function() return x end} end
print(shared[1](), shared[2]())
-- loops
local s = 0
for i = 10, 1, -3 do s = s + i end
print(s)
for i = 1.0, 2.0, 0.5 do io = nil; s = s + i end
print(s)
for i = 1, 0 do print("never") end
for i = 9223372036854775807 - 2, 9223372036854775807 do s = i end
print(s)
for i = (-9223372036854775807 - 1), (-9223372036854775807 - 1) + 2 do s = i end
print(s)
for i = 1, 3.5 do s = i end
print(s)
local n = 0
for i = 1, (1/0) do n = n + 1; if n == 5 then break end end
print(n)
local w = 0
while w < 10 do w = w + 1 end
repeat w = w - 3 until w < 0
print(w)
-- goto
do
  local i = 1
  ::top::
  if i < 3 then i = i + 1; goto top end
  print("goto", i)
end
-- string coercion in concat and numbers
print(1 .. "", 1.0 .. "", -0.0 .. "", 1e100 .. "")
print(tostring(nil), tostring(true), tonumber("  0x1p4  "), tonumber("1e"), tonumber("z", 36), tonumber("ff", 16), tonumber("8", 8), tonumber(" -7 ", 10))
print(tonumber(""), tonumber("0x"), tonumber("1 2"), tonumber(nil))
print(type(print), type(nil), type({}), type("s"), type(2), type(print == print))
print(rawequal("a", "a"), rawlen({1, 2}), rawlen("abc"), rawget({5}, 1))
print(next({}), type(next), next({7}))
local keys = 0
for k, v in pairs({1, 2, 3, a = 1, b = 2}) do keys = keys + 1 end
print(keys)
for i, v in ipairs({1, 2, nil, 4}) do print("ip", i, v) end
