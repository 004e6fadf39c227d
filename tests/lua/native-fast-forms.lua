-- Natives with fast forms (math, string.byte/len, type, tonumber, assert) give the same
-- results, result counts and errors whether called for one result, none, or all of them.
print(math.abs(-2^63 | 0), math.abs(-0.0), math.abs(-3), math.abs(-2.5), math.abs("-4"))
print(math.floor(-3.5), math.floor(7), math.ceil(2^70), math.ceil(-0.5), math.floor("3.7"))
print(math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1), math.exp(0), math.sin(0), math.cos(0), math.tan(0))
print(math.max(1, 2.0, 2), math.min(2, 1.0, 1), math.max(3), math.min(-0.0, 0.0), math.max(1, 2^53))
print(math.type(math.max(1, 2)), math.type(math.max(1.0, 2)), math.max("10", "9"))
print(pcall(math.max), pcall(math.floor, "x"), pcall(math.sqrt))
print(string.byte("abc"), ("abc"):byte(-1), ("abc"):byte(0), ("abc"):byte(10), ("abc"):byte(2.0))
print(select('#', ("abc"):byte(2, 3)), select('#', (""):byte()), select('#', ("a"):byte(5)))
print(string.len("hello"), string.len(123), pcall(string.len), pcall(string.len, {}))
print(type(nil), type(print), type({}), type("x"), type(2), type(true), type(coroutine.create(print)))
print(pcall(type))
print(tonumber("0x10"), tonumber("  12  "), tonumber("z", 36), tonumber("10", 2), tonumber(nil))
print(tonumber({}), tonumber("1e2"), tonumber("12", nil), tonumber("8", 8), tonumber(" -ff ", 16))
print(pcall(tonumber, "10", 1), pcall(tonumber, 10, 16), pcall(tonumber))
print(select('#', math.abs(-1)), select('#', tonumber("x")), select('#', assert(3, 4)), select('#', assert(5)))
print(assert(1, 2), pcall(assert, false, "boom"), pcall(assert, nil))
local t = {math.abs(-5), type(t), string.byte("A")}
print(#t, t[1], t[2], t[3])
local function f(x) return math.sqrt(x) end
local function g(x) local r = math.floor(x) return r end
print(f(16), g(2.5), (math.sqrt(9)))
-- As a coroutine's body, and with the call hook on (which sees every call).
print(coroutine.wrap(math.abs)(-3), coroutine.wrap(type)(1))
local co = coroutine.wrap(function(x) local y = math.floor(x); coroutine.yield(y); return type(y) end)
print(co(2.5), co())
local calls = 0
debug.sethook(function() calls = calls + 1 end, "c")
local a = math.abs(-7)
debug.sethook()
print(a, calls)
-- Replaced functions are called as they are, and a fast native keeps its identity.
local abs = math.abs
math.abs = function(x) return "mine" end
print(math.abs(-1), abs(-1), abs == abs, rawequal(abs, math.abs))
-- Many calls in a loop.
local s = 0
for i = 1, 1000 do s = s + math.floor(i / 3) + ("xyz"):byte(i % 3 + 1) + #type(i) end
print(s)
-- In tail position: the calling frame returns the result (and closes what it must).
local function tail1(x) return math.floor(x) end
local function tail2(v) return type(v) end
local function tail3(s) local t <close> = setmetatable({}, {__close = function() print("closed") end}); return tonumber(s) end
local function tail4(f) local up = f; local g = function() return up end; return abs(g()) end
print(tail1(3.7), tail2(tail1), tail3("0x20"), tail4(-9), select('#', tail1(1)))
print(pcall(function() return math.floor({}) end))
local co2 = coroutine.wrap(function() coroutine.yield(1); return math.max(4, 7) end)
print(co2(), co2())
-- setmetatable's fast form: the plain store; protected metatables, __gc and bad arguments
-- go to the function itself.
local mt = {__index = function(t, k) return k .. "!" end}
local t = setmetatable({}, mt)
print(t.x, getmetatable(t) == mt, select('#', setmetatable({}, mt)))
for i = 1, 3 do t = setmetatable({}, mt) end
print(t.y)
local prot = {__metatable = "locked"}
local p = setmetatable({}, prot)
print(pcall(setmetatable, p, mt))
for i = 1, 3 do print(pcall(function() return setmetatable(p, mt) end)) end
-- A metatable gains __metatable after tables were given it: the change is seen.
local m2 = {}
local a = setmetatable({}, m2)
local b = setmetatable({}, m2)
setmetatable(a, {})
m2.__metatable = false
print(pcall(setmetatable, b, {}))
-- __gc in the new metatable: finalizers run (also when the field was added after a miss).
local log = {}
local g = {}
for i = 1, 2 do setmetatable({}, g) end
g.__gc = function(o) log[#log + 1] = "gc" end
for i = 1, 3 do setmetatable({}, g) end
collectgarbage(); collectgarbage()
print(#log)
print(pcall(setmetatable, 1, mt), pcall(setmetatable, {}, 1), pcall(setmetatable, {}))
print(getmetatable(setmetatable({}, nil)))
local function ctor(x) return setmetatable({x = x}, mt) end
local o = ctor(5)
print(o.x, o.z, getmetatable(o) == mt)
-- math.fmod, math.tointeger, math.ult.
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(math.mininteger, -1), math.fmod(7.5, 2))
print(math.fmod(7, 2.5), math.fmod(-6, 4.0), pcall(math.fmod, 1, 0), math.fmod("7", 4))
print(pcall(math.fmod, 1), math.tointeger(3.0), math.tointeger(3.5), math.tointeger("8"), math.tointeger("x"))
print(math.tointeger({}), math.tointeger(2^63), math.tointeger(-2^63), pcall(math.tointeger))
print(math.ult(1, 2), math.ult(-1, 2), math.ult(2.0, 3), pcall(math.ult, 1.5, 2))
