-- debug.traceback formats: messages, levels, non-string messages, coroutines.
local function lvl3() return debug.traceback("msg here") end
local function lvl2() return lvl3() end
local function lvl1() return (lvl2()) end
print(lvl1())
print(debug.traceback("at level 2", 2))
print(debug.traceback())
print(debug.traceback(nil))
print(debug.traceback(42))
local t = {}
print(debug.traceback(t) == t)
print(debug.traceback("", 1))
local co = coroutine.create(function() local x = 1 coroutine.yield() end)
coroutine.resume(co)
print(debug.traceback(co))
print(debug.traceback(co, "co msg"))
print(debug.traceback(co, "co level 1", 1))
-- traceback as an xpcall handler
local function fails() local n = nil return n + 1 end
print(xpcall(fails, debug.traceback))
-- methods, fields and upvalues in function names
local obj = {}
function obj.method() return debug.traceback("in method") end
function obj:m2() return obj.method() end
print(obj:m2())
-- a deep stack is abbreviated with "..."
local function deep(n) if n == 0 then return debug.traceback("deep") end return (deep(n - 1)) end
local tb = deep(40)
local lines = 0
for _ in tb:gmatch("\n") do lines = lines + 1 end
print(lines, tb:find("%.%.%.%s*%(skipping %d+ levels%)") ~= nil)
