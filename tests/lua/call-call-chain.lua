-- Chains of __call metamethods of any length (each link becomes the first argument).
local function f(...) return select('#', ...), (select(1, ...))[1] end
for i = 1, 1000 do f = setmetatable({i}, {__call = f}) end
print(pcall(f, 1, 2))
print((select(2, pcall(function() return f(1,2) end))))
local co = coroutine.wrap(function() return f() end)
print(co())
local u = table.pack
for i = 1, 20 do u = setmetatable({i}, {__call = u}) end
local r = u("a", "b", "c")
print(r.n, r[1][1], r[20][1], r[21], r[23])
local t = setmetatable({}, {__call = 5})
print(pcall(function() t() end))
local t2 = setmetatable({}, {__call = setmetatable({}, {__call = {}})})
print(pcall(function() local x = t2(1) end))
print(pcall(function() return t2(1) end))
print(pcall(function() t2.x = 1; return t2.x(1) end))
-- inside a for iterator
local it = setmetatable({}, {__call = setmetatable({}, {__call = function(a, b, s, c) if not c then return 1 end end})})
for k in it do print("iter", k) end
-- a long chain ending in a tail-recursive function, tail-called in a fresh coroutine
do
  local n = 5000
  local function foo() if n == 0 then return "end" else n = n - 1; return foo() end end
  for i = 1, 300 do foo = setmetatable({}, {__call = foo}) end
  print(coroutine.wrap(function() return foo() end)())
end
