-- The string metatable: method lookup through __index, extending and overriding it.
local smt = getmetatable("")
print(("abc"):upper(), ("%d-%d"):format(1, 2), ("x"):len(), #("y"):rep(3))
function string.shout(s) return s:upper() .. "!" end
print(("hey"):shout())
string.shout = nil
print(pcall(function() return ("hey"):shout() end))
-- __index on the string metatable can be replaced by a function
local old = smt.__index
smt.__index = function(s, k) if k == "first" then return s:sub(1, 1) end return old[k] end
print(("hello").first, ("hello"):upper())
smt.__index = old
print(("hello").first)
-- other metamethods on strings
smt.__call = function(s, ...) return s .. "(" .. select("#", ...) .. ")" end
print(("fn")(1, 2, 3))
smt.__call = nil
print(pcall(function() return ("fn")() end))
-- numeric keys on strings
print(("abc")[1], ("abc").len == string.len)
-- string library functions accept numbers as strings
print(string.upper(12), string.len(3.5), string.rep(1, 3), string.reverse(123), string.sub(12345, 2, 3))
-- concatenation never uses the string metatable
smt.__concat = function() return "never" end
print("a" .. "b", 1 .. "x")
smt.__concat = nil
-- comparisons of strings never use __lt
print("a" < "b", "b" <= "a")
