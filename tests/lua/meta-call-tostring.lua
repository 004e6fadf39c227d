-- __call, __tostring, __name, __metatable protection.
local callable = setmetatable({id = "C"}, {__call = function(self, a, b) return self.id, a, b end})
print(callable(1, 2))
print(callable())
print(pcall(callable, "p"))
-- __call chains: a callable whose __call is itself a callable table
local inner = setmetatable({}, {__call = function(self, x, y, z) return "inner", type(x), y, z end})
local outer = setmetatable({}, {__call = inner})
print(outer("arg"))
-- __call in method position and tail position
local obj = {m = callable}
print(obj.m("x"))
local function tail() return callable("t") end
print(tail())
-- calling a non-callable
print(pcall(function() local t = {} t() end))
print(pcall(function() local t = setmetatable({}, {__call = 42}) t() end))
-- __tostring
local ts = setmetatable({}, {__tostring = function(self) return "I am ts" end})
print(ts, tostring(ts))
local bad = setmetatable({}, {__tostring = function() return 42 end})
print(pcall(tostring, bad))
local bad2 = setmetatable({}, {__tostring = function() return {} end})
print(pcall(tostring, bad2))
local errs = setmetatable({}, {__tostring = function() error("tostring failed") end})
print(pcall(tostring, errs))
-- __name is used when there is no __tostring
local named = setmetatable({}, {__name = "MyType"})
local s = tostring(named)
print(s == tostring(named), type(s))
-- __metatable protects
local protected = setmetatable({}, {__metatable = "locked", __index = {k = "v"}})
print(getmetatable(protected), protected.k)
print(pcall(setmetatable, protected, {}))
print(pcall(setmetatable, protected, nil))
local pf = setmetatable({}, {__metatable = false})
print(getmetatable(pf), pcall(setmetatable, pf, {}))
-- getmetatable and setmetatable basics
local mt = {}
local t = setmetatable({}, mt)
print(getmetatable(t) == mt, setmetatable(t, nil) == t, getmetatable(t))
print(getmetatable("abc") ~= nil, getmetatable(1), getmetatable(nil), getmetatable(print))
print(pcall(setmetatable, 1, {}))
print(pcall(setmetatable, {}, 1))
print(pcall(setmetatable, {}))
print(pcall(getmetatable))
-- __tostring used by print
local p = setmetatable({}, {__tostring = function() return "printed via __tostring" end})
print(p)
print(pcall(print, bad))
