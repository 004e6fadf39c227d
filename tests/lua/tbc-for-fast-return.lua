-- A return from inside a generic for closes its closing value (found auditing the loading path:
-- the interpreter's inline return skipped it in a function with no CLOSURE or TBC).
local mt = {__close=function() print("closed") end}
local function it(s, c) if not c then return 1 end end
local function f()
  for i in it, nil, nil, setmetatable({}, mt) do
    return i
  end
end
local r = f()
print(r, "after")
local function g() local a <close> = setmetatable({}, mt); local r = f(); print("g body") end
g()
-- The closing value of a generic for is closed by a return from inside the loop, however the
-- function was called and whatever it returns.
local function h()
  for _ in it, nil, nil, setmetatable({}, mt) do return end
end
h()
local function k()
  for _ in it, nil, nil, setmetatable({}, mt) do return 1, 2 end
end
local a, b = k()
print(a, b)
local function tail()
  for _ in it, nil, nil, setmetatable({}, mt) do return f() end
end
print(tail())
-- Called from a native (the entry frame of a native's call returns straight out of the loop).
print((string.gsub("a", "a", function() for _ in it, nil, nil, setmetatable({}, mt) do return "x" end end)))
print(pcall(f))
-- Without a closing value nothing is pending, and returns stay on the fast path.
local function plain(t) for k, v in pairs(t) do if v == 2 then return k end end end
print(plain({a = 1, b = 2}))
-- A closing value registered in a frame entered by the inline call: the loop left by `break`
-- (closed there), by a return from a nested call, and in a recursion whose every level has one.
local function brk(n)
  for i in it, nil, nil, setmetatable({}, mt) do break end
  return n + 1
end
print(brk(1), brk(2))
local function rec(n)
  if n == 0 then return 0 end
  for _ in it, nil, nil, setmetatable({}, {__close = function() print("close level", n) end}) do
    return rec(n - 1) + n
  end
end
print(rec(3))
local co = coroutine.wrap(function(x)
  local function inner()
    for _ in it, nil, nil, setmetatable({}, mt) do
      coroutine.yield("yielded in loop")
      return "returned"
    end
  end
  local r = inner()
  return r .. " " .. x
end)
print(co("first"))
print(co())
