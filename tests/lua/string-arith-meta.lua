-- String arithmetic through the string metatable (manual §3.4.3, §6.4): the string library's
-- __add, __sub, __mul, __div, __mod, __pow, __unm and __idiv convert string operands to numbers;
-- replacing or removing them changes what arithmetic on strings does. Bitwise operators have no
-- string metamethods; concatenation and comparisons never use the arithmetic ones.
local function e(f, ...) print(pcall(f, ...)) end
local mt = getmetatable("")
local saved = {}
for _, k in ipairs{"__add", "__sub", "__mul", "__div", "__mod", "__pow", "__unm", "__idiv",
    "__band", "__bor", "__bxor", "__shl", "__shr", "__bnot", "__concat", "__lt", "__le",
    "__eq", "__len", "__call", "__close"} do
  saved[k] = rawget(mt, k)
  print(k, type(saved[k]))
end
print(getmetatable("a") == getmetatable("b"), mt.__index == string)

print("-- conversions")
print("10" + 1, "10" - 1, "10" * 2, "10" / 4, "10" % 3, "2" ^ "10", "10" // "3", -"10")
print("10" + 1 == 11, "0x10" + 0 == 16, " 5 " + 1 == 6, "\t7\n" * 1)
print(math.type("10" + 0), math.type("10.0" + 0), math.type("1e1" * 1), math.type(-"3"))
print("0x10" + 0, "0xA.8p1" + 0, "1e2" + 0, ".5" + 0, "5." + 0, "  0x1p4  " * 1)
print("9223372036854775807" + 1, "9223372036854775808" + 0, "-9223372036854775808" - 1)
print("0x7fffffffffffffff" - "-1", "0xffffffffffffffff" + 0)
print(-"0", -"0.0", -"-0", "1" / "0", "-1" / "0", "0" / "0" ~= "0" / "0")
print("7" % "-3", "-7" % "3", "7.5" % "2", "-7" // "2", "7" // "-2.0", "inf" == nil)
print(1 + "2", 1.5 + "2", "2" + 1.5, 3 * "0x10", 2 ^ "3", 7 // "2", 7 % "2.5")
local s1, s2 = "3", "4"
print(s1 + s2, s1 - s2, s1 * s2, s1 / s2, s1 % s2, s1 ^ s2, s1 // s2, -s1)
local t = {v = "6"}
print(t.v + 1, t.v * t.v, -t.v, t.v // 4)
g_num = "12"
print(g_num + 0, g_num / 3)

print("-- failed conversions")
e(function() return "abc" + 1 end)
e(function() return 1 + "abc" end)
e(function() return "1e" + 1 end)
e(function() return "" + 1 end)
e(function() return "1\0" + 1 end)
e(function() return "0x" + 1 end)
e(function() return "1 2" * 1 end)
e(function() return "10" - "x" end)
e(function() return "x" / 2 end)
e(function() return "x" % 2 end)
e(function() return "x" ^ 2 end)
e(function() return "x" // 2 end)
e(function() return -"x" end)
e(function() return {} + "1" end)
e(function() return "1" + {} end)
e(function() return nil + "1" end)
e(function() return "1" + nil end)
e(function() return true * "1" end)
e(function() return "1" * print end)
e(function() return "1" + setmetatable({}, {__name = "Foo"}) end)
e(function() return setmetatable({}, {__name = "Foo"}) - "1" end)
local s = "abc"
e(function() return s + 1 end)
e(function() local z = "z"; return z * 2 end)
e(function() return 2 ^ s end)

print("-- division by zero inside the string metamethods (no position)")
e(function() return "10" // "0" end)
e(function() return "10" % "0" end)
e(function() return 10 // "0" end)
e(function() return "10" % 0 end)
print("10" / "0", "10.0" // "0", "10" % "0.0" ~= "10" % "0.0")

print("-- bitwise operators do not convert strings")
e(function() return "1" & 1 end)
e(function() return "3" | "4" end)
e(function() return 1 ~ "2" end)
e(function() return "1.5" & 1 end)
e(function() return 1.5 & "1" end)
e(function() return 1 << "x" end)
e(function() return "8" >> 1 end)
e(function() return ~"7" end)
local bs = "5"
e(function() return bs & 1 end)
e(function() return 1 | bs end)
e(function() return 1.5 | 2 end)
print(("10" + 0) | 0, ("3" * 1) & 1)

print("-- concat and comparisons are unaffected")
print("1" .. 2, 1 .. "2", 10 .. 20, "a" .. 1.5)
print("10" < "9", "1" == 1, "a" <= "a", "" < "a")
e(function() return "1" < 2 end)
e(function() return 1 <= "2" end)

print("-- replacing __add")
local function show(v) return type(v) == "table" and "{}" or tostring(v) end
mt.__add = function(a, b) return "custom(" .. show(a) .. "," .. show(b) .. ")" end
print("a" + 1, 1 + "a", "1" + 1, "1" + "2", s + s)
print(1 + 2, 1.5 + 2)
e(function() local x = {} return x + "1" end)
mt.__add = saved.__add
print("a" == "a", "1" + 1)

print("-- removing a metamethod: the core error names the culprit")
mt.__add = nil
e(function() return "10" + 1 end)
e(function() return 1 + "10" end)
e(function() return s + 1 end)
e(function() local u = 2; return u + s end)
e(function() local l = "7"; return l + 1 end)
e(function() return t.v + 1 end)
e(function() return 1 + t.v end)
e(function() return g_num + 1 end)
e(function() return "x" + {} end)
e(function() return {} + "x" end)
print("10" - 1, "10" * 2)
local tadd = setmetatable({}, {__add = function(a, b) return "tadd:" .. type(a) .. "," .. type(b) end})
print("x" + tadd, tadd + "x")
mt.__add = saved.__add
mt.__unm = nil
e(function() return -"5" end)
local q = "q"
e(function() return -q end)
mt.__unm = saved.__unm
print(-"5")

print("-- precedence between a string and a table operand")
local tsub = setmetatable({}, {__sub = function(a, b) return "tsub:" .. type(a) .. "," .. type(b) end})
print("x" - tsub, tsub - "x", "5" - tsub, tsub - "5")
mt.__sub = function(a, b) return "ssub:" .. type(a) .. "," .. type(b) end
print("x" - tsub, tsub - "x", 5 - "x", "5" - 5, "5" - "5")
print(5 - 5, 5.5 - 1)
mt.__sub = saved.__sub
local tmul = setmetatable({}, {__mul = function(a, b) return type(a) .. "*" .. type(b) end})
print("z" * tmul, tmul * "z", "2" * tmul, tmul * "2")
local tpow = setmetatable({}, {__pow = function(a, b) error("boom") end})
e(function() return "z" ^ tpow end)
e(function() return tpow ^ "z" end)
local tmulti = setmetatable({}, {__div = function(a, b) return "one", "two" end})
print("z" / tmulti, tmulti / "z")
print(select("#", mt.__div("z", tmulti)))

print("-- bitwise metamethods added to the string metatable")
mt.__band = function(a, b) return "band:" .. tostring(a) .. "&" .. tostring(b) end
print("1" & 1, 1 & "x", 1.5 & "x", "a" & "b")
e(function() return 1.5 & 1 end)
e(function() return "1" | 1 end)
mt.__band = nil
mt.__bnot = function(a, b) return "bnot:" .. a .. "," .. b end
print(~"x")
mt.__bnot = nil
e(function() return ~"x" end)

print("-- order and concat metamethods on the string metatable")
mt.__lt = function(a, b) return "lt" end
mt.__le = function(a, b) return false end
print("a" < 1, 1 < "a", "a" < "b", "b" < "a", "a" <= 1, 2 <= "b")
mt.__lt, mt.__le = nil, nil
mt.__concat = function(a, b) return "cat" end
print("a" .. {}, {} .. "a", "a" .. "b", "a" .. 1)
mt.__concat = nil
e(function() return "a" .. {} end)

print("-- swapped and wrapped builtins")
mt.__mul = saved.__add
print("2" * "3", 2 * "3")
mt.__mul = saved.__mul
mt.__pow = function(a, b) return saved.__pow(b, a) end
print("2" ^ "3", 2 ^ 3)
mt.__pow = saved.__pow
mt.__idiv = function(a, b) return saved.__idiv(a, b) * 10 end
print("7" // "2", 7 // 2)
mt.__idiv = saved.__idiv
print("2" * "3", "2" ^ "3", "7" // "2")

print("-- metamethods that are not functions")
mt.__div = 42
e(function() return "1" / 2 end)
e(function() return 1 / "2" end)
mt.__div = setmetatable({}, {__call = function(self, a, b) return "called", a, b end})
print("1" / 2)
mt.__div = saved.__div
local function mk(k) return setmetatable({}, {[k] = 42}) end
e(function() return mk("__add") + 1 end)
e(function() return 1 + mk("__add") end)
e(function() return #mk("__len") end)
e(function() return mk("__concat") .. "x" end)
e(function() return mk("__eq") == mk("__eq") end)
e(function() return mk("__lt") < mk("__lt") end)
e(function() return mk("__le") <= mk("__le") end)
e(function() return -mk("__unm") end)
e(function() return ~mk("__bnot") end)
e(function() return mk("__band") & 1 end)
e(function() return 1 // mk("__idiv") end)
e(function() return setmetatable({}, {__add = true, __name = "Foo"}) + 1 end)

print("-- calling the builtins directly")
e(mt.__add, "1", 2)
e(mt.__add, "a", 2)
e(mt.__add, 1, 2)
e(mt.__add, {}, {})
e(mt.__add)
e(mt.__add, "1")
e(mt.__add, nil, "1")
e(mt.__add, "1", 2.5)
e(mt.__add, "3", "4", "5")
e(mt.__add, 1, tmulti)
e(mt.__div, "x", tmulti)
e(mt.__div, tmulti, "x")
e(mt.__add, "1\0", 1)
e(mt.__sub, "0x7fffffffffffffff", "-1")
e(mt.__sub, 10)
e(mt.__sub, "10")
e(mt.__sub, {}, 1)
e(mt.__sub, {})
e(mt.__sub, 1, nil)
e(mt.__sub, tsub)
e(mt.__sub, 1, tsub, 7)
e(mt.__idiv, "7", "-2")
e(mt.__idiv, "10")
e(mt.__idiv, "0")
e(mt.__mod, "-7", "2.0")
e(mt.__mod, 0)
e(mt.__pow, "2", "0.5")
e(mt.__div, 1, 2)
e(mt.__div, "1", "0")
e(mt.__unm, "3")
e(mt.__unm, "a")
e(mt.__unm, "3", "4")
e(mt.__unm, 3, 4)
e(mt.__unm, "3", "x")
e(mt.__unm, "3", {})
e(mt.__unm)
e(mt.__unm, "x", setmetatable({}, {__unm = function(a, b) return "U", a == "x" end}))
e(function() return mt.__add("abc", 1) end)
e(function() return mt.__mul({}, "1") end)

print("-- yields inside metamethods")
local co = coroutine.wrap(function()
  local y = setmetatable({}, {__add = function(a, b) return coroutine.yield("yielded") end})
  return "x" + y
end)
print(pcall(co))
co = coroutine.wrap(function()
  local y = setmetatable({}, {__add = function(a, b) return coroutine.yield("yielded") end})
  return y + "x"
end)
print(co())
print(co("resumed"))
mt.__add = function(a, b) return coroutine.yield("sy") end
co = coroutine.wrap(function() return "x" + 1 end)
print(co())
print(co(7))
mt.__add = saved.__add

print("-- everything restored")
for k, v in pairs(saved) do
  if rawget(mt, k) ~= v then print("not restored", k) end
end
print("10" + 1, "3" - 1, "2" * 2, "1" / 2, "5" % 3, "2" ^ 2, "5" // 2, -"1")
