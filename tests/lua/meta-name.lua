-- __name and tostring formats; type names in error messages.
local named = setmetatable({}, {__name = "MyType"})
print((tostring(named):gsub("0x%x+", "ADDR")))
print((tostring({}):gsub("0x%x+", "ADDR")), (tostring(print):gsub("0x%x+", "ADDR")))
print((tostring(function() end):gsub("0x%x+", "ADDR")), (tostring(coroutine.create(print)):gsub("0x%x+", "ADDR")))
print((tostring(io.stdout):gsub("0x%x+", "ADDR")))
print(tostring(named):match("^MyType: ") ~= nil, tostring({}) ~= tostring({}))
local named2 = setmetatable({}, {__name = 12})
print((tostring(named2):gsub("0x%x+", "ADDR")))
-- __name in argument errors
print(pcall(string.rep, named, 1))
print(pcall(math.floor, named))
print(pcall(string.rep, "x", named))
print(pcall(ipairs))
print(pcall(setmetatable, named, 1))
-- __name does not change type() or arithmetic errors
print(type(named), pcall(function() return named + 1 end))
print(pcall(function() return #named end))
-- %s in string.format uses __tostring and __name
print((string.format("%s|%s", named, setmetatable({}, {__tostring = function() return "TS" end})):gsub("0x%x+", "ADDR")))
-- string.format('%s') of a non-string __tostring result
print(pcall(string.format, "%s", setmetatable({}, {__tostring = function() return {} end})))
print(string.format("%5.1s|", setmetatable({}, {__tostring = function() return "abc" end})))
