-- Coroutines: generators, passing values both ways, errors, wrap, status, yield across pcall.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got2", d, e)
  return "done", 99
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co))
print(coroutine.resume(co))
-- generator via wrap
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local s = 0
for i in range(100) do s = s + i end
print(s)
-- errors inside coroutines
local bad = coroutine.create(function() local x = nil; return x.y end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
print(coroutine.resume(bad))
local w = coroutine.wrap(function() error("wrapped") end)
print(pcall(w))
local w2 = coroutine.wrap(function() error({code = 1}) end)
local ok, e = pcall(w2)
print(ok, type(e), e.code)
-- yield across pcall inside the coroutine
local pc = coroutine.create(function()
  local ok, v = pcall(function()
    local got = coroutine.yield("from inside pcall")
    error("after " .. got)
  end)
  coroutine.yield(ok, v)
  return "end"
end)
print(coroutine.resume(pc))
print(coroutine.resume(pc, "resume"))
print(coroutine.resume(pc))
print(coroutine.resume(pc))
-- running / isyieldable
print(coroutine.isyieldable(), select(2, coroutine.running()))
local inner = coroutine.create(function()
  print(coroutine.isyieldable(), select(2, coroutine.running()), coroutine.status(coroutine.running()))
end)
coroutine.resume(inner)
print(pcall(coroutine.yield, 1))
-- nested coroutines
local outer = coroutine.wrap(function()
  local inner2 = coroutine.wrap(function() coroutine.yield(1); coroutine.yield(2) end)
  coroutine.yield(inner2() + 10)
  coroutine.yield(inner2() + 20)
end)
print(outer(), outer())
-- status of the resumer is normal
local parent
parent = coroutine.create(function()
  local child = coroutine.create(function() print("parent is", coroutine.status(parent)) end)
  coroutine.resume(child)
end)
coroutine.resume(parent)
-- resume non-function / bad args
print(pcall(coroutine.create, 1))
print(pcall(coroutine.resume, 1))
print(coroutine.resume(coroutine.running()))
-- close
local cl = coroutine.create(function() coroutine.yield() end)
coroutine.resume(cl)
print(coroutine.close(cl), coroutine.status(cl))
local cl2 = coroutine.create(function() error("zzz") end)
coroutine.resume(cl2)
print(coroutine.close(cl2))
-- many round trips
local pingpong = coroutine.wrap(function(x) while true do x = coroutine.yield(x + 1) end end)
local v = 0
for i = 1, 10000 do v = pingpong(v) end
print(v)
-- yield from a metamethod called by the interpreter
local mt = {__index = function(t, k) return coroutine.yield(k) end}
local yc = coroutine.wrap(function() local t = setmetatable({}, mt); return "value: " .. t.foo end)
print(yc())
print(yc("bar"))
-- table.sort-like native callback cannot yield: use a native that calls back (tostring)
local ty = coroutine.wrap(function() return tostring(setmetatable({}, {__tostring = function() coroutine.yield("y") return "s" end})) end)
print(pcall(ty))
