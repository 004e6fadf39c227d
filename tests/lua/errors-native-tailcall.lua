-- A native called in tail position still reports its caller's position and call-site name,
-- because PUC runs C functions on top of the calling frame even for `return f(...)`.
print(pcall(function() return ("x"):rep("a") end))
print(pcall(function() return ("x"):rep() end))
print(pcall(function() return string.rep() end))
print(pcall(function() local f = string.rep; return f() end))
print(pcall(function() return string.format("%d", "x") end))
print(pcall(function() return ("abc"):find("%") end))
