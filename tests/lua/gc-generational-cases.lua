-- More generational cases: coroutines whose open upvalues get young values and close while
-- old, the table library and load/gsub on old tables, a finalizer resurrecting into old and
-- weak tables, a metatable's __mode changing, hooks and the registry, a long young list
-- hanging from an old table, ephemeron chains across ages.
collectgarbage("generational")
local function churn(n) for i = 1, n do local _ = {i} end end
-- 1. coroutines with closures capturing locals, finishing while old
local cos, getters = {}, {}
for i = 1, 50 do
  cos[i] = coroutine.create(function()
    local a = {i}
    getters[i] = function() return a end
    coroutine.yield()
    a = {i * 2}          -- young into an open upvalue of an old coroutine
    coroutine.yield()
    a = {i * 3}
  end)
end
for i = 1, 50 do coroutine.resume(cos[i]) end
collectgarbage()
for i = 1, 50 do coroutine.resume(cos[i]); churn(50) end
collectgarbage("step")
for i = 1, 50 do coroutine.resume(cos[i]); churn(50) end  -- finish: upvalues close
cos = nil
churn(30000)
collectgarbage("step")
local s = 0
for i = 1, 50 do s = s + getters[i]()[1] end
print("coroutine upvalues", s)

-- 2. table library on old tables
local t = {}
for i = 1, 500 do t[i] = {500 - i} end
collectgarbage()
for i = 1, 500 do t[i] = {t[i][1]} end
table.sort(t, function(a, b) return a[1] < b[1] end)
table.move(t, 1, 100, 501)
local u = table.move(t, 1, 50, 1, {})
churn(30000); collectgarbage("step")
s = 0
for i = 1, 600 do s = s + t[i][1] end
for i = 1, 50 do s = s + u[i][1] end
print("table library", s)

-- 3. load with a young env; gsub with table; string keys
local env = {}
collectgarbage()
local f = load("x = {7}; return function() return x end", "c", "t", env)
local g = f()
churn(30000); collectgarbage("step")
print("load env", g()[1], env.x[1])
local repl = {}
collectgarbage()
for i = 1, 50 do repl["k" .. i] = "v" .. i .. string.rep("!", 50) end
churn(30000); collectgarbage("step")
print("gsub", (string.gsub("k1 k2 k50", "%w+", repl)):len())

-- 4. finalizer resurrects into a weak table and an old table; __gc set later
local oldt = {}
local weak = setmetatable({}, {__mode = "v"})
collectgarbage()
do
  local o = setmetatable({5}, {__gc = function(o) oldt[#oldt + 1] = o; weak[1] = o end})
end
collectgarbage(); collectgarbage()
churn(30000); collectgarbage("step")
print("resurrected", oldt[1] and oldt[1][1], weak[1] and weak[1][1])

-- 5. mode changes of an old table
local m = {}
local tt = setmetatable({}, m)
collectgarbage()
tt[{}] = 1
tt[1] = {}
m.__mode = "kv"
churn(30000); collectgarbage("step")
local n = 0 for _ in pairs(tt) do n = n + 1 end
print("became weak", n)
m.__mode = nil
tt[2] = {2}
collectgarbage("step")
churn(30000); collectgarbage("step")
print("became strong", tt[2][1])

-- 6. debug hooks and registry
local reg = debug.getregistry()
collectgarbage()
reg.myval = {11}
local cnt = 0
debug.sethook(function() cnt = cnt + 1 end, "", 1000)
churn(30000); collectgarbage("step")
debug.sethook()
print("registry", reg.myval[1], cnt > 0)

-- 7. deep young structure hanging from an old table
local root = {}
collectgarbage()
local node = root
for i = 1, 10000 do node.next = {v = i}; node = node.next end
churn(30000); collectgarbage("step")
s = 0; node = root.next
while node do s = s + node.v; node = node.next end
print("deep list", s)

-- 8. ephemeron chains crossing ages
local e = setmetatable({}, {__mode = "k"})
local k1 = {}
collectgarbage()
local k2 = {}
e[k1] = k2; e[k2] = {9}
churn(30000); collectgarbage("step")
print("ephemeron chain", e[e[k1]][1])
k2 = nil
churn(30000); collectgarbage("step")
print("ephemeron kept via old key", e[e[k1]][1])
k1 = nil
collectgarbage()
print("ephemeron cleared", next(e))
