-- __gc finalizers: run order, marking at setmetatable time, resurrection, errors.
local order = {}
for i = 1, 5 do
  setmetatable({}, {__gc = function() order[#order + 1] = i end})
end
collectgarbage()
print("reverse creation order", table.concat(order, ","))
-- __gc must be present when setmetatable is called
local late = {}
local mt = {}
setmetatable(late, mt)
mt.__gc = function() print("should not run") end
late = nil
collectgarbage()
print("late __gc ignored")
-- finalizer receives the object and can resurrect it
local saved
do
  local obj = setmetatable({name = "phoenix"}, {__gc = function(o) saved = o end})
end
collectgarbage()
print(saved and saved.name)
saved = nil
collectgarbage()
print("resurrected object collected again without a second finalizer call")
-- finalizers run at state close (end of script) for live objects
_G.keep = setmetatable({}, {__gc = function() print("finalized at exit") end})
-- errors in finalizers are warnings, not errors (nothing printed without warn on)
setmetatable({}, {__gc = function() error("gc error") end})
collectgarbage()
print("survived a finalizer error")
-- a finalizer that allocates and calls collectgarbage is fine
setmetatable({}, {__gc = function() local t = {} for i = 1, 100 do t[i] = {} end end})
collectgarbage()
print("allocating finalizer ok")
-- finalizer on an object in a cycle
do
  local a, b = {}, {}
  a.b, b.a = b, a
  setmetatable(a, {__gc = function(o) print("cycle member finalized", o.b.a == o) end})
end
collectgarbage()
-- __gc field that is not a function is ignored
setmetatable({}, {__gc = true})
collectgarbage()
print("non-function __gc ignored")
-- collectgarbage options
print(collectgarbage("isrunning"), collectgarbage("stop"), collectgarbage("isrunning"), collectgarbage("restart"), collectgarbage("isrunning"))
collectgarbage("incremental") -- (lua.c starts in generational mode; do not depend on it)
print(collectgarbage("generational"), collectgarbage("incremental"))
