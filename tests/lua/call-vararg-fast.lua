-- vararg functions through the fast call path, and `...` in the fast loop
local function cnt(...) return select("#", ...) end
local function first(a, ...) return a, select("#", ...) end
local function pack2(a, b, ...) local t = {...} return a, b, #t, t[1], t[#t] end
local function pass(...) return ... end
local function fixed(x, y) return x, y end
print(cnt(), cnt(nil), cnt(1, 2, 3), cnt(nil, nil))
print(first(), first(1), first(1, 2, 3))
print(pack2(1), pack2(1, 2), pack2(1, 2, 3, 4, 5))
print(pass(1, nil, 3), (pass(4, 5)))
print(fixed(pass(7, 8, 9)))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
local acc = 0
for i = 1, 2000 do acc = acc + sum(i, i, i) end
print(acc)
local function va3(...) local a, b, c = ... return c, b, a end
print(va3(1, 2, 3, 4), va3(1))
local function rec(n, ...) if n == 0 then return select("#", ...), ... end return rec(n - 1, n, ...) end
print(rec(10))
local function tailva(...) return cnt(...) end
print(tailva(1, 2, 3), tailva())
local function upv(...) local t = {...}; return function() return #t end end
print(upv(1, 2, 3)())
local co = coroutine.wrap(function(...) local n = select("#", ...); coroutine.yield(n, ...); return cnt(...) end)
print(co(1, 2, 3)); print(co())
print(debug.getlocal(1, -1))
local function dbg(...) return debug.getlocal(1, -1), debug.getlocal(1, -2) end
print(dbg("x", "y"))
local function many(...) return ... end
local big = {}
for i = 1, 200 do big[i] = i end
local r = {many(table.unpack(big))}
print(#r, r[200])
print(select(-1, many(table.unpack(big))))
local function err(...) local a = ... ; return a + 1 end
print(pcall(err, "x"))
print(pcall(err))
