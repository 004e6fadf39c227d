-- Closures and upvalues: counters, sharing, loops, nesting, recursion.
local function counter()
  local n = 0
  return function() n = n + 1 return n end
end
local c1, c2 = counter(), counter()
print(c1(), c1(), c1(), c2(), c1())
-- sibling closures share one upvalue
local function pair()
  local v = 0
  return function() v = v + 1 end, function() return v end
end
local inc, get = pair()
inc() inc()
print(get())
-- an upvalue stays shared after the enclosing function returns and the local changes later
local function mk()
  local x = 1
  local f = function() return x end
  x = 2
  return f, function(v) x = v end
end
local fx, setx = mk()
print(fx()) setx(99) print(fx())
-- fresh locals per iteration in for, while and repeat
local fs = {}
for i = 1, 3 do fs[#fs + 1] = function() return i end end
local j = 0
while j < 3 do j = j + 1 local k = j fs[#fs + 1] = function() return k end end
repeat local r = j j = j - 1 fs[#fs + 1] = function() return r end until j == 0
local shared = 0
for i = 1, 2 do fs[#fs + 1] = function() shared = shared + 1 return shared end end
local out = ""
for i = 1, #fs do out = out .. fs[i]() .. " " end
print(out)
-- loop locals captured and mutated in the same iteration
local gs = {}
for i = 1, 3 do local v = i gs[i] = function() v = v * 10 return v end end
print(gs[1](), gs[1](), gs[2](), gs[3]())
-- upvalues of upvalues
local function l1()
  local a = "a"
  return function()
    local b = "b"
    return function()
      a = a .. "!"
      return a .. b
    end
  end
end
local deep = l1()()
print(deep(), deep())
-- closures in recursive local functions
local function makefib()
  local memo = {}
  local function fib(n)
    if n < 2 then return n end
    if memo[n] then return memo[n] end
    local v = fib(n - 1) + fib(n - 2)
    memo[n] = v
    return v
  end
  return fib
end
print(makefib()(80))
-- closure over a parameter and vararg packing
local function adder(x) return function(y) return x + y end end
print(adder(10)(5), adder(1.5)(1))
local function bind(f, ...)
  local args = {...}
  return function() return f(args[1], args[2]) end
end
bind(print, "bound", "args")()
-- closures created in a loop keep distinct state
local counters = {}
for i = 1, 3 do counters[i] = counter() end
counters[1]() counters[1]() counters[2]()
print(counters[1](), counters[2](), counters[3]())
-- upvalue closed by break and by goto
local saved
for i = 1, 10 do local v = i * 2 saved = function() return v end if i == 4 then break end end
print(saved())
do
  local n = 0
  local caps = {}
  ::top::
  local cur = n
  caps[#caps + 1] = function() return cur end
  n = n + 1
  if n < 3 then goto top end
  print(caps[1](), caps[2](), caps[3]())
end
