-- Call and return hooks fire for resume, yield, wrap functions, pcall and xpcall as in lua5.4
local trace = {}
local function dotrace(event)
  local i = debug.getinfo(2, "nS")
  trace[#trace + 1] = event .. ":" .. tostring(i.name) .. ":" .. i.what
end
local co = coroutine.create(function() coroutine.yield(10) return 20 end)
debug.sethook(co, dotrace, "cr")
repeat until not coroutine.resume(co)
print(table.concat(trace, " "))
trace = {}
co = coroutine.create(function() coroutine.yield(10) return 20 end)
debug.sethook(dotrace, "cr")
coroutine.resume(co)
coroutine.resume(co)
coroutine.resume(co)
debug.sethook()
print(table.concat(trace, " "))
trace = {}
local w = coroutine.wrap(function(a) local b = coroutine.yield(a) return b end)
debug.sethook(dotrace, "cr")
w(1)
w(2)
debug.sethook()
print(table.concat(trace, " "))
trace = {}
debug.sethook(dotrace, "cr")
pcall(error, "x")
xpcall(function() end, print)
pcall(pcall, type, 1)
debug.sethook()
print(table.concat(trace, " "))
trace = {}
debug.sethook(dotrace, "cr")
local co2 = coroutine.wrap(function() error("e") end)
pcall(co2)
debug.sethook()
print(table.concat(trace, " "))
