-- Training workload for the PGO profile (tools/pgo/pgo.py): Lua and native calls, recursion,
-- closures and upvalues, varargs, multiple results, tail calls, protected calls.
local reps = tonumber(arg and arg[1]) or 1

local function tak(x, y, z)
  if y >= x then return z end
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))
end

local function ack(m, k)
  if m == 0 then return k + 1 end
  if k == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, k - 1))
end

local function counter()
  local c = 0
  return function(d) c = c + (d or 1); return c end
end

local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end

local function pack2(...) return {...}, select("#", ...) end
local function three(x) return x, x + 1, x + 2 end
local function loop_tail(k, acc) if k == 0 then return acc end return loop_tail(k - 1, acc + k) end

local total = 0
for _ = 1, reps do total = total + tak(18, 12, 6) + ack(2, 300) end
local c = counter()
for i = 1, 100000 * reps do c(i % 3) end
total = total + c(0)
for i = 1, 30000 * reps do
  total = total + sum(i, 2, 3) + sum(three(i))
  local t, k = pack2(three(i))
  total = total + #t + k
end
total = total + loop_tail(100000, 0)
local ok, err = 0, 0
for i = 1, 20000 * reps do
  local s, e = pcall(function(x) if x % 7 == 0 then error("bad " .. x) end return x end, i)
  if s then ok = ok + e else err = err + 1 end
end
local t = {}
for i = 1, 20000 do t[#t + 1] = tostring(i) .. type(i) end
print(total, ok, err, #t, select(2, pcall(error, {code = 1})).code)
