-- Metamethods of every kind.
local print0 = print
print = function(...) local t = table.pack(...) for i = 1, t.n do t[i] = (tostring(t[i]):gsub("0x%x+", "ADDR")) end print0(table.unpack(t, 1, t.n)) end -- (addresses differ per run)
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b) if type(b) == "number" then return vec(a.x * b, a.y * b) end return a.x * b.x + a.y * b.y end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__len = function(a) return 2 end
V.__concat = function(a, b)
  local function s(v) return type(v) == "table" and ("(" .. v.x .. "," .. v.y .. ")") or tostring(v) end
  return s(a) .. s(b)
end
V.__tostring = function(a) return "vec(" .. a.x .. ", " .. a.y .. ")" end
V.__call = function(self, k) return self[k] end
V.__idiv = function() return "idiv" end
V.__mod = function() return "mod" end
V.__div = function() return "div" end
V.__pow = function() return "pow" end
V.__band = function() return "band" end
V.__bor = function() return "bor" end
V.__bxor = function() return "bxor" end
V.__shl = function() return "shl" end
V.__shr = function() return "shr" end
V.__bnot = function() return "bnot" end
function V:len2() return self.x * self.x + self.y * self.y end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2), tostring(-a))
print(a == b, a == vec(1, 2), a ~= vec(1, 2), a < b, a <= b, a > b, a >= b, #a)
print(a .. b, a .. "!", "!" .. a, 1 .. a, a .. b .. "x" .. 1)
print(a("x"), a("y"), a:len2())
print(a // 1, a % 1, a / 1, a ^ 1, a & 1, a | 1, a ~ 1, a << 1, a >> 1, ~a, 1 & a)
-- __index / __newindex chains
local log = {}
local base = {inherited = "yes"}
local mid = setmetatable({}, {__index = base})
local obj = setmetatable({}, {__index = mid, __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v * 2) end})
obj.a = 5
print(obj.inherited, obj.a, obj.missing, log[1])
local proxy = setmetatable({}, {__newindex = base})
proxy.z = 9
print(rawget(proxy, "z"), base.z)
-- __index on strings via type metatable is absent without the string library
local loop = setmetatable({}, {})
getmetatable(loop).__index = loop
print(pcall(function() return loop.x end))
-- __eq only for tables
local t1 = setmetatable({}, {__eq = function() return true end})
local t2 = setmetatable({}, {__eq = function() return true end})
print(t1 == t2, t1 == 1, rawequal(t1, t2))
-- __lt with mixed types
local n = setmetatable({}, {__lt = function(a, b) return true end, __le = function() return false end})
print(n < 1, 1 < n, n <= 1, 1 >= n)
-- __close
do
  local x <close> = setmetatable({}, {__close = function(o, e) print("closed", e) end})
  print("in block")
end
print(pcall(function()
  local y <close> = setmetatable({}, {__close = function(o, e) print("closing with", e) end})
  error("boom", 0)
end))
-- __tostring and __name
local named = setmetatable({}, {__name = "MyType"})
print(type(named), #tostring(named))
print(pcall(tostring, setmetatable({}, {__tostring = function() return 1 end})))
print(pcall(tostring, setmetatable({}, {__tostring = function() return {} end})))
-- __pairs
local pt = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
for k, v in pairs(pt) do print("pairs", k, v) end
-- __len on table used by ipairs? no: ipairs uses __index
local ip = setmetatable({}, {__index = function(t, i) if i <= 3 then return i * 10 end end})
for i, v in ipairs(ip) do print("ipairs", i, v) end
-- __call chains with arguments
local callable = setmetatable({}, {__call = function(self, a, b) return a + b, self end})
print((callable(1, 2)))
print(pcall(callable, 5, 6))
-- getmetatable with __metatable
print(getmetatable(setmetatable({}, {__metatable = false})))
