-- Lua-to-Lua calls the interpreter makes without leaving its loop: argument counts that
-- match, fall short of, or exceed the parameters, vararg callees, open argument lists, and
-- returns of zero or one value to callers that want none, one or all.

local function two(a, b) return a, b end
local function p2(a, b) return tostring(a) .. "," .. tostring(b) end
local function va(a, ...) return a, select("#", ...), ... end
local function va0(...) return select("#", ...), ... end
local function none() end
local function one(x) return x end

-- Fewer arguments than parameters: the missing ones are nil, even where the caller's
-- registers held something before.
do
  local junk1, junk2, junk3 = "j1", "j2", "j3"
  print(p2(), p2(1), p2(1, 2), p2(1, 2, 3))
  print(junk1, junk2, junk3)
end

-- Vararg callees: exactly the fixed parameters, fewer, more.
print(va(1))
print(va())
print(va(1, 2, 3))
print(va0())
print(va0(nil, nil))
print(va(1, nil, 3, nil))

-- Open argument lists (`f(a, g())`) feeding fixed and vararg callees.
print(p2(two(7, 8)))
print(p2(1, two(7, 8)))
print(va(two(5, 6)))
print(va0(two(nil, 9)))
print(select("#", none()), select("#", one()), select("#", one(1)))

-- A function returning nothing to a caller that wants one value: nil, whatever the
-- register held before.
do
  local x = "old"
  x = none()
  print(x)
  local t = { none(), one(2), none() }
  print(#t, t[1], t[2], t[3])
end

-- A call whose result is dropped leaves the caller's locals alone.
do
  local a, b = 10, 20
  one(99)
  none()
  one(a)
  print(a, b)
  for i = 1, 3 do
    one(i)
    a = a + i
  end
  print(a, b)
end

-- Deep recursion through the inline path, with every shape of result use.
local function sum(n)
  if n == 0 then return 0 end
  return n + sum(n - 1)
end
print(sum(1000))

local function count(n, acc)
  if n == 0 then return acc end
  local r = count(n - 1, acc + 1)
  return r
end
print(count(5000, 0))

local function collect(n, ...)
  if n == 0 then return select("#", ...), ... end
  return collect(n - 1, n, ...)
end
print(collect(5))

-- Many parameters, few arguments, and the other way round.
local function many(a, b, c, d, e, f, g, h)
  return (a or 0) + (b or 0) + (c or 0) + (d or 0) + (e or 0) + (f or 0) + (g or 0) + (h or 0)
end
print(many(), many(1), many(1, 2, 3, 4, 5, 6, 7, 8), many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))

-- Methods and closures called in a loop: results used as arguments of the next call.
local obj = { n = 0 }
function obj:add(k) self.n = self.n + k; return self end
for i = 1, 100 do obj:add(i):add(1) end
print(obj.n)
