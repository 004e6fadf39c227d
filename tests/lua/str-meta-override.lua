-- String arithmetic goes through the string metatable in 5.4: overriding __add changes it (needs the VM to dispatch string operands through the metatable).
local mt = getmetatable("")
local old = mt.__add
mt.__add = function(a, b) return "custom" end
print(pcall(function() return "a" + 1 end))
print(pcall(function() return 1 + "a" end))
print(pcall(function() return "1" + 1 end))
mt.__add = old
print("2" * "3", "10" / 2, -"1.5", "0x10" + 0, " 5 " + 1)
print(pcall(function() return "1e" + 1 end))
local t = setmetatable({}, {__add = function(a, b) return "tadd" end})
print(pcall(function() return "x" + t end), pcall(function() return t + "x" end))
