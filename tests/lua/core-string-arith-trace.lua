-- String arithmetic runs the string metatable's metamethods; when one fails, its native
-- frame shows in the traceback as in lua5.4 (the successful path may skip the call).
print(pcall(function() return "10" // 0 end))
print(pcall(function() return "10" % "0" end))
print(pcall(function() return "1" + {} end))
print(pcall(function() return -"abc" end))
print("1.5" * "2", "3" ^ 2, -"2", "7" // "2", "7.0" % 2)
local t = setmetatable({}, {__add = function(a, b) return "added" end})
print("1" + t, t + "1")
local function f(s) return s * 2 end
print(select(2, xpcall(f, debug.traceback, "x")))
print(select(2, xpcall(function() return "10" // "0" end, debug.traceback)))
