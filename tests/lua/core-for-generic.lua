-- Generic for: stateless and stateful iterators, closing value, errors.
local function range(n)
  local i = 0
  return function() i = i + 1 if i <= n then return i end end
end
local s = 0
for i in range(5) do s = s + i end
print("closure iterator", s)
local function iter(limit, ctl)
  if ctl < limit then return ctl + 1, ctl * ctl end
end
for i, sq in iter, 4, 0 do print("stateless", i, sq) end
for k, v in next, {10, 20, 30} do print("next", k, v) end
for i, v in ipairs({"a", "b", nil, "d"}) do print("ipairs", i, v) end
local t = {}
for i = 1, 5 do t[i] = i * i end
local keys = {}
for k in pairs(t) do keys[#keys + 1] = k end
print("pairs count", #keys)
-- iterator returning many values; extra ones dropped
local function multi() local done = false return function() if not done then done = true return 1, 2, 3, 4 end end end
for a, b, c in multi() do print("multi", a, b, c) end
for a, b, c, d, e in multi() do print("multi5", a, b, c, d, e) end
-- loop variables are fresh per iteration
local fs = {}
for i, v in ipairs({"x", "y"}) do fs[i] = function() return i .. v end end
print(fs[1](), fs[2]())
-- break out of generic for
for i in range(100) do if i == 3 then print("break at", i) break end end
-- the fourth value is a to-be-closed variable
do
  local closer = setmetatable({}, {__close = function() print("iterator closed") end})
  local function gen(st, c) if c < 3 then return c + 1 end end
  for i in gen, nil, 0, closer do if i == 2 then break end end
  print("after loop")
end
local function e(f) print(pcall(f)) end
e(function() for x in nil do end end)
e(function() for x in 42 do end end)
e(function() local t = {} for x in t do end end)
e(function() for x in pairs(nil) do end end)
e(function() local nf for x in nf do end end)
e(function() for x in next, {}, "nokey" do end end)
-- __call iterator
local callable = setmetatable({}, {__call = function(self, st, c) c = c + 1 if c <= 2 then return c end end})
for i in callable, nil, 0 do print("callable", i) end
-- modifying existing fields during traversal is allowed
local m = {a = 1, b = 2, c = 3}
for k, v in pairs(m) do m[k] = v * 10 end
print(m.a, m.b, m.c)
for k in pairs(m) do m[k] = nil end
print(next(m))
