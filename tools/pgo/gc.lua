-- Training workload for the PGO profile (tools/pgo/pgo.py): allocation-heavy code under each
-- collector mode; trees, closures, weak tables.
local depth = tonumber(arg and arg[1]) or 14

local function tree(d)
  if d == 0 then return {} end
  return {tree(d - 1), tree(d - 1)}
end
local function count(t)
  if not t[1] then return 1 end
  return 1 + count(t[1]) + count(t[2])
end
local total = 0
for _, mode in ipairs({"incremental", "generational"}) do
  collectgarbage(mode)
  local long = tree(depth)
  for i = 1, 8 do total = total + count(tree(depth - 4)) end
  total = total + count(long)
  local weak = setmetatable({}, {__mode = "k"})
  for i = 1, 20000 do weak[{}] = i end
  local fs = {}
  for i = 1, 20000 do fs[i % 100 + 1] = function() return i end end
  total = total + fs[1]()
  collectgarbage("step", 0)
end
collectgarbage()
print(total, collectgarbage("count") > 0)
