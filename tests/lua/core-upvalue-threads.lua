-- Upvalues read across threads: a closure made inside a coroutine reads and writes a local
-- of that coroutine's still-running function (an open upvalue on another thread's stack),
-- from the main thread and from another coroutine, then after the function has returned.
local get, set
local co = coroutine.create(function(start)
  local x = start
  get = function() return x end
  set = function(v) x = v end
  local y = coroutine.yield(x)
  x = x + y
  coroutine.yield(x)
  return x * 2
end)
print(coroutine.resume(co, 10))
print(get())
set(15)
print(get())
print(coroutine.resume(co, 5))
print(get())
local other = coroutine.wrap(function() set(get() + 100); return get() end)
print(other())
print(coroutine.resume(co))
print(get(), coroutine.status(co))
set(1)
print(get())

-- the first upvalue of a closure, open and then closed, read through recursion
local function counter()
  local n = 0
  local function tick(k) if k == 0 then return n end n = n + 1 return tick(k - 1) end
  return tick
end
local t = counter()
print(t(10), t(5))
local fact
fact = function(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20))
