-- Training workload for the PGO profile (tools/pgo/pgo.py): coroutines as generators and
-- pipelines, yields across protected calls.
local n = tonumber(arg and arg[1]) or 50000

local function gen(k)
  return coroutine.wrap(function()
    for i = 1, k do coroutine.yield(i) end
  end)
end
local function filter(src, p)
  return coroutine.wrap(function()
    for v in src do if p(v) then coroutine.yield(v) end end
  end)
end
local s = 0
for v in filter(gen(n), function(x) return x % 3 == 0 end) do s = s + v end

local co = coroutine.create(function(a, b)
  local total = a + b
  while true do
    local ok, x = pcall(function() return coroutine.yield(total) end)
    if not ok then break end
    if x == nil then break end
    total = total + x
  end
  return "done", total
end)
local _, t = coroutine.resume(co, 1, 2)
for i = 1, n do _, t = coroutine.resume(co, i) end
local fin = {coroutine.resume(co, nil)}
print(s, t, fin[2], fin[3], coroutine.status(co), coroutine.isyieldable())
