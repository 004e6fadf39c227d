-- Subtraction and addition of small integer constants (compiled to immediate forms): the
-- same results, metamethod operands and error messages as any other subtraction.
local x = 10
print(x - 1, x - 32767, x - 32768, x - (-32768), x - 0, x + (-5))
print(math.mininteger - 1 == math.maxinteger, math.maxinteger + 1 == math.mininteger)
local f = 2.5
print(f - 1, f - 3, -0.0 - 0, math.type(f - 1))
local z = -0.0
print(z - 0, z + 0, z - 1, 1 / (z - 0), 1 / (z - 0.0))
print("10" - 1, " 3 " - 2, "0x10" - 1, math.type("10" - 1), math.type("1.5" - 1))

local mt = {}
mt.__sub = function(a, b) return ("sub(%s,%s)"):format(type(a), tostring(b)) end
mt.__add = function(a, b) return ("add(%s,%s)"):format(type(a), tostring(b)) end
local t = setmetatable({}, mt)
print(t - 1, t - 7, t + 1, t - 40000)

local smt = getmetatable("")
local old = smt.__sub
smt.__sub = function(a, b) return "strsub:" .. a .. ":" .. b end
print("abc" - 1)
smt.__sub = old

print(pcall(function() local n; return n - 1 end))
print(pcall(function() return x.y - 1 end))
print(pcall(function() local s = "abc"; return s - 2 end))
print(pcall(function() return {} - 1 end))
print(pcall(function() return undefinedglobal - 1 end))

-- in a loop counting down, as recursive code does
local function count(n) if n <= 0 then return 0 end return 1 + count(n - 1) end
print(count(100))
local s = 0
for i = 1, 10 do s = s + (i - 1) end
print(s)
