-- __index and __newindex: tables, functions, chains, rawget/rawset.
local base = {greet = "hello", n = 1}
local mid = setmetatable({mid = "m"}, {__index = base})
local top = setmetatable({}, {__index = mid})
print(top.greet, top.mid, top.missing, rawget(top, "greet"))
local fn = setmetatable({}, {__index = function(t, k) return "computed " .. tostring(k) end})
print(fn.x, fn[1], fn[true], rawget(fn, "x"))
-- __index function receives the original table
local self_check = setmetatable({}, {__index = function(t, k) return t end})
print(self_check.any == self_check)
-- present keys never hit __index
local present = setmetatable({a = false}, {__index = function() return "meta" end})
print(present.a, present.b)
-- __newindex table: assignment goes to the other table
local store = {}
local proxy = setmetatable({}, {__newindex = store})
proxy.x = 10
print(rawget(proxy, "x"), store.x, proxy.x)
-- __newindex function
local log = {}
local watched = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v) rawset(t, k, v) end})
watched.a = 1
watched.a = 2
watched.b = nil
print(#log, log[1], log[2], watched.a)
-- existing keys never hit __newindex
local existing = setmetatable({k = 1}, {__newindex = function() error("should not run") end})
existing.k = 5
print(existing.k)
-- __newindex chain through tables with their own __newindex
local inner = {}
local innerproxy = setmetatable({}, {__newindex = inner})
local outer = setmetatable({}, {__newindex = innerproxy})
outer.deep = "value"
print(rawget(outer, "deep"), rawget(innerproxy, "deep"), inner.deep)
-- rawset bypasses __newindex
rawset(proxy, "y", 5)
print(rawget(proxy, "y"), store.y)
-- __index on a chain that reaches a function
local chainf = setmetatable({}, {__index = setmetatable({}, {__index = function(_, k) return k .. "!" end})})
print(chainf.deepkey)
-- integer keys through __index
local arr = setmetatable({}, {__index = function(_, i) return i * 2 end})
print(arr[1], arr[21], arr[1.0], arr[2^53])
-- __index errors
print(pcall(function() local t = setmetatable({}, {__index = 5}) return t.x end))
print(pcall(function() local t = setmetatable({}, {__newindex = true}) t.x = 1 end))
print(pcall(function() local t = setmetatable({}, {__index = function(t, k) error("idx " .. k) end}) return t.x end))
-- a long __index chain
local chain = {final = "end of chain"}
for i = 1, 50 do chain = setmetatable({}, {__index = chain}) end
print(chain.final)
-- metatables on the metatable do not matter for lookup of __index
local mm = setmetatable({}, {__index = {__index = {hidden = 1}}})
local obj = setmetatable({}, mm)
print(obj.hidden)
-- method calls with __index
local Class = {}
Class.__index = Class
function Class.new(v) return setmetatable({v = v}, Class) end
function Class:get() return self.v end
function Class:add(o) return Class.new(self.v + o.v) end
print(Class.new(3):add(Class.new(4)):get())
