-- Coroutines: create, resume, yield, status, running, isyieldable, values in and out.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", d + e
end)
print(type(co), coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(co))
-- running and isyieldable
local main, ismain = coroutine.running()
print(type(main), ismain, coroutine.isyieldable())
local inner = coroutine.create(function()
  local me, im = coroutine.running()
  print("inside", coroutine.status(me), im, coroutine.isyieldable(), coroutine.status(main))
end)
coroutine.resume(inner)
-- status "normal" for a coroutine that resumed another
local outer
outer = coroutine.create(function()
  local nested = coroutine.create(function() return coroutine.status(outer) end)
  return coroutine.resume(nested)
end)
print(coroutine.resume(outer))
-- yield with no values and many values
local multi = coroutine.create(function(...)
  coroutine.yield()
  coroutine.yield(...)
  return select("#", coroutine.yield(nil, nil))
end)
print(coroutine.resume(multi, 1, 2, 3))
print(coroutine.resume(multi))
print(coroutine.resume(multi))
print(coroutine.resume(multi, nil, nil, nil))
-- resuming self or a running coroutine
local selfres
selfres = coroutine.create(function() return coroutine.resume(selfres) end)
print(coroutine.resume(selfres))
print(coroutine.resume(coroutine.running()))
-- yield outside a coroutine
print(pcall(coroutine.yield, 1))
-- argument errors
print(pcall(coroutine.create, 1))
print(pcall(coroutine.resume, {}))
print(pcall(coroutine.status, nil))
-- isyieldable with an argument, close of a suspended coroutine
local s = coroutine.create(function() coroutine.yield() end)
coroutine.resume(s)
print(coroutine.isyieldable(s), coroutine.status(s), coroutine.close(s), coroutine.status(s))
print(coroutine.close(coroutine.create(print)))
-- a coroutine that runs many times
local count = coroutine.wrap(function() for i = 1, 100000 do coroutine.yield(i) end return "end" end)
local last
for i = 1, 100000 do last = count() end
print(last, count())
