-- debug.upvalueid returns a light userdata naming the upvalue cell.
local a, b = 1, 2
local function f() return a, b end
local function g() return a end
local id1, id2 = debug.upvalueid(f, 1), debug.upvalueid(g, 1)
print(type(id1), id1 == id2, id1 == debug.upvalueid(f, 2), rawequal(id1, id2))
print(tostring(id1):match("^userdata: 0x%x+$") ~= nil)
print(string.format("%p", id1) == tostring(id1):sub(11))

-- As table keys, equal ids find the same slot.
local t = {}
t[id1] = "x"
print(t[id2], t[debug.upvalueid(f, 2)], next(t) == id1)

-- Closures made in a loop get fresh cells; joining makes them share one.
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(debug.upvalueid(fs[1], 1) == debug.upvalueid(fs[2], 1))
debug.upvaluejoin(fs[1], 1, fs[2], 1)
print(debug.upvalueid(fs[1], 1) == debug.upvalueid(fs[2], 1), fs[1]())

-- Bad indices give fail; natives with upvalues have ids too.
print(getmetatable(id1))
print(pcall(debug.upvalueid, f, 3))
print(pcall(debug.upvalueid, f, 0))
print(pcall(debug.upvalueid, f, -1))
print(pcall(debug.upvalueid, print, 1))
local gm = string.gmatch("a", "a")
print(type(debug.upvalueid(gm, 1)), debug.upvalueid(gm, 1) == debug.upvalueid(gm, 1))
print(pcall(debug.upvalueid, gm, 50))
print(select('#', debug.upvalueid(f, 3)))
print(pcall(debug.upvalueid, f, "x"))
print(pcall(debug.upvalueid, 1, 1))
print(pcall(debug.upvalueid, f))

-- Light userdata share one metatable, apart from full userdata.
local mt = {__index = function(u, k) return k .. "!" end, __tostring = function() return "LU" end}
print(debug.setmetatable(id1, mt) == id1)
print(id1.foo, tostring(id1), getmetatable(id2) == mt, getmetatable(io.stdout) == mt)
debug.setmetatable(id1, {__name = "MyLU"})
print((tostring(id1):gsub("0x%x+", "ADDR")))
print(pcall(string.rep, id1))
debug.setmetatable(id1, {__eq = function() return true end})
print(id1 == debug.upvalueid(f, 1), id1 == debug.upvalueid(f, 2), id1 == {})
debug.setmetatable(id1, nil)
print(getmetatable(id1))

-- Operations without metamethods fail with PUC's messages.
print(pcall(function() return id1 < id2 end))
print(pcall(function() return id1 <= id2 end))
print(pcall(function() return id1 + 1 end))
print(pcall(function() return id1 .. "" end))
print(pcall(function() return #id1 end))
print(pcall(function() return id1.x end))
print(pcall(function() id1.x = 1 end))
print(pcall(function() return id1() end))
print(pcall(string.format, "%d", id1))
print(pcall(setmetatable, id1, {}))
