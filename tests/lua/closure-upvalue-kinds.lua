-- Closures capturing locals, upvalues of the enclosing function, and both, made in a loop.
local fs = {}
local shared = 0
for i = 1, 5 do
  local j = i * 10
  fs[i] = function(d) shared = shared + d; j = j + d; return i, j, shared end
end
for i = 1, 5 do print(fs[i](i)) end
local function outer(a)
  local b = a + 1
  return function()
    return function(c) return a, b, c, shared end
  end
end
print(outer(1)()(2))
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get())
local t = {}
for i = 1, 3 do
  t[#t + 1] = function() return function() return i end end
end
print(t[1]()(), t[2]()(), t[3]()())
