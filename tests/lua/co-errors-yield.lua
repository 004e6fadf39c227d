-- Errors inside coroutines; yielding across pcall, metamethods, iterators; C-call boundaries.
local co = coroutine.create(function() error("inside") end)
print(coroutine.resume(co))
print(coroutine.status(co), coroutine.resume(co))
local co2 = coroutine.create(function() error({tag = 1}) end)
local ok, e = coroutine.resume(co2)
print(ok, type(e), e.tag)
local co3 = coroutine.create(function() local t = nil; t.x = 1 end)
print(coroutine.resume(co3))
-- error after a yield
local co4 = coroutine.create(function() coroutine.yield(1) error("after yield", 0) end)
print(coroutine.resume(co4)) print(coroutine.resume(co4)) print(coroutine.status(co4))
-- yield across pcall
local co5 = coroutine.create(function()
  local ok2, v = pcall(function()
    local got = coroutine.yield("yielded from pcall")
    error("raised " .. got, 0)
  end)
  coroutine.yield(ok2, v)
  return "finished"
end)
print(coroutine.resume(co5))
print(coroutine.resume(co5, "later"))
print(coroutine.resume(co5))
-- yield across xpcall with a handler
local co6 = coroutine.create(function()
  return xpcall(function() coroutine.yield("in xpcall") error("boom", 0) end, function(m) return "handled " .. m end)
end)
print(coroutine.resume(co6)) print(coroutine.resume(co6))
-- yield inside metamethods
local mt = {__add = function(a, b) return coroutine.yield("in __add") end,
  __index = function(t, k) return coroutine.yield("in __index " .. k) end,
  __lt = function(a, b) return coroutine.yield("in __lt") end,
  __concat = function(a, b) return coroutine.yield("in __concat") end,
  __eq = function(a, b) return coroutine.yield("in __eq") end,
  __call = function(self, x) return coroutine.yield("in __call " .. x) end}
local obj, obj2 = setmetatable({}, mt), setmetatable({}, mt)
local co7 = coroutine.wrap(function()
  local r1 = obj + 1
  local r2 = obj.field
  local r3 = obj < obj2
  local r4 = obj .. "s"
  local r5 = obj == obj2
  local r6 = obj("arg")
  return "results", r1, r2, r3, r4, r5, r6
end)
print(co7()) print(co7(10)) print(co7(20)) print(co7(false)) print(co7("cat")) print(co7(1)) print(co7("called"))
-- yield inside a for-in iterator
local co8 = coroutine.wrap(function()
  for k in function(_, c) c = (c or 0) + 1 coroutine.yield("iter " .. c) if c < 3 then return c end end do end
  return "loop done"
end)
print(co8(), co8(), co8(), co8())
-- yield across a C-call boundary fails
local co9 = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(co9))
local co10 = coroutine.create(function()
  return string.gsub("abc", "%w", function(c) coroutine.yield(c) end)
end)
print(coroutine.resume(co10))
local co11 = coroutine.create(function()
  return tostring(setmetatable({}, {__tostring = function() coroutine.yield() return "x" end}))
end)
print(coroutine.resume(co11))
-- deeply nested coroutines
local function nest(n)
  if n == 0 then return coroutine.yield("bottom") end
  local c = coroutine.wrap(nest)
  return c(n - 1)
end
local top = coroutine.wrap(nest)
print(top(50))
