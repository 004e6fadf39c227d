-- A message handler called for an integer // or % by zero is not named after the operator
-- (PUC raises that error in the arithmetic instruction, not at its metamethod step); other
-- arithmetic errors name it after the event.
local function h(m) return debug.traceback(m, 1) end
print(xpcall(function() local a, b = 7, 0 return a // b end, h))
print(xpcall(function() local a, b = 7, 0 return a % b end, h))
print(xpcall(function() local a = 7 return a // 0 end, h))
print(xpcall(function() local a = 7 return a % 0 end, h))
print(xpcall(function() local a = nil return a // 2 end, h))
print(xpcall(function() local a = {} return a % 2 end, h))
print(xpcall(function() local a = 7.5 return a // 0 end, h))
print(xpcall(function() local a = "x" return a + 1 end, h))
