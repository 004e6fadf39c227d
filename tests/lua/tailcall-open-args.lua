-- Tail calls whose last argument is a call or `...` (`return f(x, g())`): the arguments end
-- where the open call left them, and the callee replaces the caller's frame.
local function none() end
local function one(x) return x end
local function many(x) return x, x + 1, x + 2, x + 3 end
local function show(...) return select("#", ...), ... end
local function two(a, b) return a, b end
local function five(a, b, c, d, e) return a, b, c, d, e end

local function t0(x) return two(x, none()) end
local function t1(x) return two(x, one(x * 10)) end
local function tn(x) return five(x, many(x * 10)) end
local function tfew(x) return two(x, many(x)) end
local function tnative(x) return select("#", many(x)) end
local function tvararg(...) return show(1, ...) end
print(t0(1))
print(t1(2))
print(tn(3))
print(tfew(4))
print(tnative(5))
print(tvararg())
print(tvararg(7, nil, 9))
print(show(t1(6)))

-- Deep tail recursion through open arguments runs in constant stack.
local function count(n, acc)
  if n == 0 then return acc end
  return count(n - 1, one(acc + 1))
end
print(count(300000, 0))

-- Ackermann, the classic shape (`return ack(m - 1, ack(m, n - 1))`).
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 3), ack(3, 3))

-- Tak: every call's arguments are calls.
local function tak(x, y, z)
  if y >= x then return z end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end
print(tak(12, 8, 4))

-- Errors raised after such a tail call still name the function.
local function bad(x) return x.field end
local function tbad(x) return bad(one(x)) end
print(pcall(tbad, nil))
print(select(2, pcall(tbad, 5)))

-- A tail call of a non-function with open arguments.
local function tnotfn(x) return (nil)(one(x)) end
print(pcall(tnotfn, 1))

-- Inside a coroutine, with more results than registers in the caller's window.
local co = coroutine.wrap(function(n)
  local t = {}
  for i = 1, n do t[i] = i end
  return show(table.unpack(t))
end)
local r = {co(300)}
print(#r, r[1], r[2], r[301])

-- A fixed-parameter callee given more open arguments than a frame has registers.
local function firsts(a, b) return a, b end
local function tbig(n)
  local t = {}
  for i = 1, n do t[i] = i * 2 end
  return firsts(table.unpack(t))
end
print(tbig(1000))
print(tbig(0))
