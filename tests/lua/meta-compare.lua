-- __eq, __lt, __le, __len, __concat metamethods.
local eqmt = {__eq = function(a, b) print("  __eq called") return a.v == b.v end}
local a, b, c = setmetatable({v = 1}, eqmt), setmetatable({v = 1}, eqmt), setmetatable({v = 2}, eqmt)
print(a == b, a ~= b, a == c, a == a)
-- __eq only for two tables (or two userdata); never for table vs other types
print(a == 1, a == "x", a == nil)
-- only one operand needs the metamethod
local plain = {v = 1}
print(a == plain, plain == a)
-- result converted to boolean
local weird = setmetatable({}, {__eq = function() return "yes" end})
local weird2 = setmetatable({}, {__eq = function() return nil end})
print(weird == {}, weird2 == {}, weird ~= {})
-- rawequal bypasses
print(rawequal(a, b))
-- __lt and __le
local cmt = {}
cmt.__lt = function(x, y) return (type(x) == "table" and x.v or x) < (type(y) == "table" and y.v or y) end
cmt.__le = function(x, y) return (type(x) == "table" and x.v or x) <= (type(y) == "table" and y.v or y) end
local p, q = setmetatable({v = 1}, cmt), setmetatable({v = 2}, cmt)
print(p < q, p > q, p <= q, p >= q, q <= q, p < 5, 5 < p, p <= 1, 0 >= p)
local onlylt = setmetatable({}, {__lt = function() return true end})
print(onlylt < onlylt, onlylt > onlylt)
-- results coerced to boolean
local truthy = setmetatable({}, {__lt = function() return 0 end, __le = function() return nil end})
print(truthy < truthy, truthy <= truthy, truthy > truthy)
-- mixed strings and numbers never use metamethods
print(pcall(function() return "1" < 2 end))
-- __len
local lm = setmetatable({1, 2, 3}, {__len = function(t) return "len!" end})
print(#lm, rawlen(lm))
local lm2 = setmetatable({}, {__len = function(t) return 1, 2 end})
print(#lm2)
-- __concat with chains: right associative, pairwise
local cat = setmetatable({}, {__concat = function(x, y)
  local function s(v) if type(v) == "table" then return "T" else return tostring(v) end end
  return s(x) .. "+" .. s(y)
end})
print(cat .. "a", "a" .. cat, 1 .. cat, cat .. cat)
print("a" .. "b" .. cat .. "c" .. "d")
print("x" .. cat .. 2 .. 3)
local nocat = {}
print(pcall(function() return "a" .. nocat .. "b" end))
print(pcall(function() return nocat .. 1 end))
-- __unm/__len on strings use the string metatable only with the string library
print(#"abc", -"2")
-- comparisons of different types
print(pcall(function() return {} < 1 end))
print(pcall(function() return print < print end))
print(pcall(function() return true <= false end))
print(pcall(function() return a < b end))
