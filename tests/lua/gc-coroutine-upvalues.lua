-- A closure made inside a coroutine keeps its captured locals after the suspended
-- coroutine is collected (the open upvalues are closed with their values).

local co = coroutine.wrap(function()
  local x = "v"
  coroutine.yield(function() return x end)
end)
local get = co()
co = nil
collectgarbage()
print(get())

-- a table value, shared by two closures, still assignable
local co2 = coroutine.create(function()
  local t = {n = 1}
  local count = 0
  coroutine.yield(function() count = count + 1; return t.n, count end,
                  function(v) t = v end)
end)
local _, g, set = coroutine.resume(co2)
co2 = nil
collectgarbage(); collectgarbage()
print(g())
set({n = 42})
collectgarbage()
print(g())

-- the value the coroutine assigned after the closure was made (resumed with a new table)
local co3 = coroutine.create(function()
  local x = nil
  local f = function() return x[1] end
  x = coroutine.yield(f)
  coroutine.yield()
end)
local _, f = coroutine.resume(co3)
collectgarbage()
coroutine.resume(co3, {123})
co3 = nil
collectgarbage()
print(f())

-- an unreachable coroutine whose closures are unreachable too is simply freed
local weak = setmetatable({}, {__mode = "v"})
do
  local c = coroutine.create(function() local y = {}; coroutine.yield(function() return y end) end)
  local _, h = coroutine.resume(c)
  weak[1], weak[2] = c, h
end
collectgarbage()
print(weak[1], weak[2])
