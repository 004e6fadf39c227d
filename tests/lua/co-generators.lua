-- Generators with coroutine.wrap: permutations, tree walks, pipelines.
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local function permutations(a) return coroutine.wrap(function() permgen(a) end) end
for p in permutations({"a", "b", "c"}) do io.write(table.concat(p), " ") end
print()
-- in-order tree walk
local tree = {v = 4, l = {v = 2, l = {v = 1}, r = {v = 3}}, r = {v = 6, l = {v = 5}}}
local function walk(t) if t then walk(t.l) coroutine.yield(t.v) walk(t.r) end end
for v in coroutine.wrap(function() walk(tree) end) do io.write(v, " ") end
print()
-- producer / filter / consumer pipeline
local function producer() return coroutine.wrap(function() for i = 1, 10 do coroutine.yield(i) end end) end
local function filter(src, pred) return coroutine.wrap(function() for v in src do if pred(v) then coroutine.yield(v) end end end) end
local function map(src, f) return coroutine.wrap(function() for v in src do coroutine.yield(f(v)) end end) end
for v in map(filter(producer(), function(x) return x % 2 == 0 end), function(x) return x * x end) do io.write(v, " ") end
print()
-- fibonacci generator with state
local fib = coroutine.wrap(function() local a, b = 0, 1 while true do coroutine.yield(a) a, b = b, a + b end end)
local fs = {}
for i = 1, 15 do fs[i] = fib() end
print(table.concat(fs, ","))
-- wrap passes values both ways
local echo = coroutine.wrap(function(x) while true do x = coroutine.yield("echo:" .. tostring(x)) end end)
print(echo(1), echo("two"), echo(nil))
-- a dead wrapped generator raises an error
local once = coroutine.wrap(function() return "only" end)
print(once())
print(pcall(once))
-- wrap propagates errors with position info
local bad = coroutine.wrap(function() local x = nil return x.y end)
print(pcall(bad))
local bad2 = coroutine.wrap(function() error({code = 7}) end)
local ok, e = pcall(bad2)
print(ok, type(e), e.code)
print(pcall(coroutine.wrap, 1))
-- generators interleaved
local g1 = coroutine.wrap(function() for i = 1, 3 do coroutine.yield("a" .. i) end end)
local g2 = coroutine.wrap(function() for i = 1, 3 do coroutine.yield("b" .. i) end end)
print(g1(), g2(), g1(), g2(), g1(), g2())
