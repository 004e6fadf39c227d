-- Locals, globals, _ENV, and multiple assignment.
x = 1
local x = 2
print(x, _G.x, _ENV.x)
do local x = 3; print(x) end
print(x)
local a, b, c = 1, 2
print(a, b, c)
local d, e = 1, 2, 3
print(d, e)
a, b = b, a
print(a, b)
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
t[1], t[2], t[3] = t[3], t[1], t[2]
print(t[1], t[2], t[3])
local function three() return 1, 2, 3 end
local p, q, r, s = three()
print(p, q, r, s)
p, q, r, s = 0, three()
print(p, q, r, s)
p, q, r, s = three(), 10
print(p, q, r, s)
g1, g2 = "G1", "G2"
print(g1, g2, rawget(_G, "g1"), _G == _ENV)
undefined = nil
print(undefined, _G.undefined, rawget(_G, "nope"))
local function setenv()
  local _ENV = {print = print, tostring = tostring}
  y = 5
  print(y, x, g1)
  return _ENV
end
local env = setenv()
print(env.y, y)
do
  local _ENV = setmetatable({}, {__index = _G})
  z = "inner"
  print(z, rawget(_G, "z"))
end
print(z)
local function f(_ENV) return a1 + a2 end
print(f({a1 = 1, a2 = 2}))
local print, pcall = print, pcall
do
  local _ENV = nil
  print(pcall(function() return undefinedname end))
end
local function upenv()
  return function() return gname end
end
gname = "global!"
print(upenv()())
_ENV = setmetatable({}, {__index = _G, __newindex = function(t, k, v) rawset(t, k, v .. "!") end})
newglobal = "set"
print(newglobal, rawget(_G, "newglobal"))
