-- Coroutines whose stacks are shrunk while suspended (at the first yield and by the collector)
-- keep their locals, upvalues, pending to-be-closed variables and call chains intact.
local function deep(n, acc)
  if n == 0 then
    local got = coroutine.yield(acc)
    return got .. "!"
  end
  local pad1, pad2, pad3 = n, n * 2, n * 3
  local r = deep(n - 1, acc + pad1 + pad2 + pad3)
  return r .. n
end
local co = coroutine.create(function(a) return deep(a, 0) end)
print(coroutine.resume(co, 30))
collectgarbage()
collectgarbage()
print(coroutine.resume(co, "end"))
print(coroutine.status(co), coroutine.resume(co))

-- A generator resumed many times, with collections in between.
local gen = coroutine.wrap(function()
  local t = {}
  for i = 1, 50 do
    t[i] = i * i
    local x <close> = setmetatable({}, {__close = function() t[i] = -t[i] end})
    coroutine.yield(i, #t)
  end
  return "done", t[1], t[50]
end)
local sum = 0
for i = 1, 50 do
  local a, b = gen()
  sum = sum + a + b
  if i % 7 == 0 then collectgarbage() end
end
print(sum, gen())

-- Upvalues still open in a suspended coroutine.
local getter
local co2 = coroutine.create(function()
  local v = "first"
  getter = function() return v end
  coroutine.yield()
  v = "second"
  coroutine.yield()
  return v
end)
coroutine.resume(co2)
collectgarbage()
print(getter())
coroutine.resume(co2)
collectgarbage()
print(getter(), coroutine.resume(co2))

-- Closing a suspended coroutine runs its pending variables after a collection.
local co3 = coroutine.create(function()
  local a <close> = setmetatable({}, {__close = function(_, e) print("close a", e) end})
  local b <close> = setmetatable({}, {__close = function(_, e) print("close b", e) end})
  coroutine.yield(1)
end)
print(coroutine.resume(co3))
collectgarbage()
print(coroutine.close(co3), coroutine.status(co3))

-- Many idle coroutines, some resumed again later with deep calls.
local list = {}
for i = 1, 2000 do
  list[i] = coroutine.create(function(x)
    local y = coroutine.yield(x + 1)
    local function r(n) if n == 0 then return y end return r(n - 1) + 1 end
    return r(100)
  end)
  coroutine.resume(list[i], i)
end
collectgarbage()
local total = 0
for i = 1, 2000, 100 do
  local ok, v = coroutine.resume(list[i], i)
  total = total + v
end
print(total, coroutine.status(list[1]), coroutine.status(list[2]))

-- A coroutine that failed keeps its error for close.
local co4 = coroutine.create(function()
  local c <close> = setmetatable({}, {__close = function(_, e) print("closing with", e) end})
  error("failed")
end)
print(coroutine.resume(co4))
collectgarbage()
print(coroutine.close(co4))
