-- Finalizers in generational mode: those of young unreachable objects run after a minor
-- collection (`collectgarbage("step")`), those of old ones after a full collection. (Not run
-- under `--gc-stress generational`: a minor collection at every safe point makes the young
-- objects old while they are being made.)
print(collectgarbage("generational"))
local order = {}
local oldfin = setmetatable({}, {__gc = function() order[#order + 1] = "old" end})
collectgarbage()
for i = 1, 3 do
  setmetatable({}, {__gc = function() order[#order + 1] = "young" .. i end})
end
collectgarbage("step")
print("finalizers after a step", table.concat(order, " "))
oldfin = nil
collectgarbage()
print("finalizers after a full collection", table.concat(order, " "))


-- a finalizer that resurrects a young object into an old table
local saved = {}
collectgarbage()
setmetatable({7}, {__gc = function(o) saved[1] = o end})
collectgarbage("step")
for i = 1, 20000 do local _ = {i} end
collectgarbage("step")
print("resurrected", saved[1] and saved[1][1])
saved = nil
collectgarbage()
print("done")
