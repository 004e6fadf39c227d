-- Varargs in every position, select, truncation and expansion.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print(pass())
print((pass(1, 2, 3)))
print(pass(1, 2, 3), "end")
print("start", pass(1, 2, 3))
print(pass(pass(1, 2), pass(3, 4)))
local function tbl(...) return {...} end
local t = tbl(1, nil, 3)
print(#tbl(1, 2, 3), t[1], t[2], t[3])
local t2 = {pass(1, 2), pass(3, 4)}
print(#t2, t2[1], t2[2], t2[3])
local t3 = {pass(1, 2), (pass(3, 4))}
print(#t3, t3[3])
local t4 = {pass(1, 2), x = 1}
print(#t4)
local function first(...) local a = ... return a end
print(first(9, 8, 7), first())
local function two(...) local a, b = ... return a, b end
print(two(1), two(1, 2, 3))
local function fixed(a, b, ...) return a, b, select("#", ...), ... end
print(fixed(1))
print(fixed(1, 2, 3, 4))
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-3, "a", "b", "c"))
print(select(4, "a", "b", "c"))
print(select("#"))
print(pcall(select, 0, "a"))
print(pcall(select, -4, "a", "b", "c"))
print(pcall(select, "x"))
print(pcall(select))
print(select(2.0, "a", "b"))
print(pcall(select, 1.5, "a"))
print(select("2", "a", "b"))
-- varargs in expressions and nested functions
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4, 5), sum())
local function outer(...)
  local args = {...}
  return function() return #args, args[1] end
end
print(outer("p", "q")())
local function varmeta(...) return ..., "tail" end
print(varmeta(1, 2, 3))
local function tailvar(...) return pass(...) end
print(tailvar(4, 5, 6))
-- many values
local big = {}
for i = 1, 200 do big[i] = i end
local function unpackish(t, i, n)
  if i > n then return end
  return t[i], unpackish(t, i + 1, n)
end
print(count(unpackish(big, 1, 200)), sum(unpackish(big, 1, 200)))
print(... == nil, select("#", ...))
local f = load("return select('#', ...), ...")
print(f(1, 2, 3))
