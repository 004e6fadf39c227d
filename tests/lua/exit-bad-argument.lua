-- Ends in an uncaught "bad argument" error from a library function.
print(string.rep("ab", 2))
local n = string.rep("x", {})
