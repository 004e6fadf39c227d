-- A small tour: closures, tables, metatables and string building.
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end

local next_id = counter()
local Point = {}
Point.__index = Point
Point.__tostring = function(p) return "(" .. p.x .. ", " .. p.y .. ")" end
function Point.new(x, y) return setmetatable({ x = x, y = y, id = next_id() }, Point) end
function Point:add(o) return Point.new(self.x + o.x, self.y + o.y) end

local p = Point.new(1, 2):add(Point.new(3, 4.5))
print("hello from " .. _VERSION, tostring(p), p.id)
