-- Object patterns: classes via __index, inheritance, method calls, self.
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound)
  local self = setmetatable({}, Animal)
  self.name, self.sound = name, sound
  return self
end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:rename(n) self.name = n return self end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name)
  local self = Animal.new(name, "woof")
  return setmetatable(self, Dog)
end
function Dog:fetch() return self.name .. " fetches" end
function Dog:speak() return Animal.speak(self) .. "!" end
local a, d = Animal.new("cat", "meow"), Dog.new("rex")
print(a:speak(), d:speak(), d:fetch())
print(d:rename("max"):speak(), getmetatable(d) == Dog, rawget(d, "speak"))
print(pcall(function() return a:fetch() end))
-- method call evaluates the receiver once
local calls = 0
local function get() calls = calls + 1 return d end
get():speak()
print("receiver evaluated", calls)
-- self is an ordinary parameter
local obj = {v = 1}
function obj.plain(self, x) return self.v + x end
print(obj:plain(2), obj.plain(obj, 3), obj.plain({v = 10}, 1))
-- class with __tostring, __eq, __lt, __add
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(p, q) return vec(p.x + q.x, p.y + q.y) end
V.__eq = function(p, q) return p.x == q.x and p.y == q.y end
V.__lt = function(p, q) return p.x < q.x end
V.__tostring = function(p) return "(" .. p.x .. "," .. p.y .. ")" end
V.__len = function(p) return 2 end
V.__call = function(p, k) return p[k] end
V.__unm = function(p) return vec(-p.x, -p.y) end
local v1, v2 = vec(1, 2), vec(3, 4)
print(tostring(v1 + v2), v1 + v2 == vec(4, 6), v1 < v2, #v1, v1("y"), tostring(-v1))
-- multiple inheritance via __index function
local function createClass(...)
  local parents = {...}
  local c = {}
  setmetatable(c, {__index = function(t, k)
    for i = 1, #parents do local v = parents[i][k] if v then return v end end
  end})
  c.__index = c
  return c
end
local Named = {getname = function(self) return self.name end}
local Aged = {getage = function(self) return self.age end}
local Person = createClass(Named, Aged)
local p = setmetatable({name = "ann", age = 30}, Person)
print(p:getname(), p:getage())
