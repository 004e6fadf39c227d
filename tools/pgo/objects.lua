-- Training workload for the PGO profile (tools/pgo/pgo.py): classes, inheritance, methods and
-- metamethods.
local n = tonumber(arg and arg[1]) or 100000

local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec:len2() return self.x * self.x + self.y * self.y end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec.__lt(a, b) return a:len2() < b:len2() end
function Vec.__le(a, b) return a:len2() <= b:len2() end
function Vec.__tostring(v) return "(" .. v.x .. "," .. v.y .. ")" end
function Vec.__len(v) return 2 end
function Vec.__concat(a, b) return tostring(a) .. tostring(b) end
function Vec.__unm(v) return Vec.new(-v.x, -v.y) end

local Animal = {}
Animal.__index = Animal
function Animal.new(name) local o = setmetatable({}, Animal); o.name = name; o.energy = 0; return o end
function Animal:eat(k) self.energy = self.energy + k; return self end
function Animal:speak() return "..." end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local o = Animal.new(name); return setmetatable(o, Dog) end
function Dog:speak() return "woof" end

local acc = Vec.new(0, 0)
local lt = 0
for i = 1, n do
  local v = Vec.new(i % 10, i % 7)
  acc = acc + v
  if v < acc then lt = lt + 1 end
  if v == Vec.new(1, 1) then lt = lt + 100 end
  lt = lt + #v
end
local pets = {}
for i = 1, 1000 do pets[i] = (i % 2 == 0) and Dog.new("d" .. i) or Animal.new("a" .. i) end
local woofs = 0
for r = 1, 50 do
  for _, p in ipairs(pets) do
    p:eat(r)
    if p:speak() == "woof" then woofs = woofs + 1 end
  end
end
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) return k * 2 end,
  __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end,
  __call = function(self, a, b) return a + b end,
})
local s = 0
for i = 1, 20000 do s = s + proxy[i] + proxy(i, 1) end
for i = 1, 1000 do proxy[i] = i end
print(tostring(acc), lt, woofs, s, #log, tostring(-Vec.new(1, 2)), Vec.new(1, 2) .. Vec.new(3, 4), pets[2].energy)
