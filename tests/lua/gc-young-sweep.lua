-- Minor collections free young objects only: old objects that gain young references (through
-- tables, upvalues and closures), strings found again by the interner, and objects that
-- survive several minor collections must all stay intact.
collectgarbage("generational")

local old = {}
for i = 1, 200 do old[i] = { id = i } end
collectgarbage()  -- everything above is old now

-- Old tables gain young children between collections.
local keep = {}
for round = 1, 30 do
  for i = 1, 200, 7 do
    old[i].child = { round = round, name = "r" .. round .. "-" .. i }
  end
  for j = 1, 300 do
    local garbage = { j, tostring(j) .. "-garbage", function() return j end }
    if j % 97 == 0 then keep[#keep + 1] = garbage end
  end
  collectgarbage("step", 0)
end
local sum = 0
for i = 1, 200, 7 do
  local c = old[i].child
  assert(c.round == 30 and c.name == "r30-" .. i, c.name)
  sum = sum + c.round
end
print("children", sum, #keep)
for _, g in ipairs(keep) do
  assert(g[2] == g[1] .. "-garbage" and g[3]() == g[1])
end

-- A string made young, dropped, and made again must be a live string either way.
local function mk(i) return "interned-" .. (i % 50) end
local seen = {}
for i = 1, 5000 do
  local s = mk(i)
  if i % 500 == 0 then collectgarbage("step", 0) end
  seen[s] = (seen[s] or 0) + 1
end
local n, total = 0, 0
for k, v in pairs(seen) do n = n + 1; total = total + v; assert(k:sub(1, 9) == "interned-") end
print("strings", n, total)

-- Closures whose upvalues outlive several minor collections.
local counters = {}
for i = 1, 50 do
  local c = 0
  counters[i] = function() c = c + i; return c end
  for _ = 1, 100 do local _ = { i } end
  if i % 10 == 0 then collectgarbage("step", 0) end
end
local acc = 0
for round = 1, 3 do
  for i = 1, 50 do acc = acc + counters[i]() end
  collectgarbage("step", 0)
end
print("closures", acc)

-- Weak values: young entries are collected, old ones stay.
local weak = setmetatable({}, { __mode = "v" })
local strong = {}
for i = 1, 20 do
  local t = { i }
  weak[i] = t
  if i % 2 == 0 then strong[#strong + 1] = t end
end
collectgarbage()
collectgarbage()
local alive = 0
for i = 1, 20 do if weak[i] then alive = alive + 1; assert(weak[i][1] == i) end end
print("weak", alive)

-- Coroutines made and dropped between collections.
local results = {}
for i = 1, 40 do
  local co = coroutine.wrap(function(a) local b = coroutine.yield(a * 2); return a + b end)
  local first = co(i)
  if i % 8 == 0 then collectgarbage("step", 0) end
  results[#results + 1] = first + co(1)
end
local rs = 0
for _, v in ipairs(results) do rs = rs + v end
print("coroutines", rs)

-- Young garbage goes at minor collections: the heap stays near its size after a full one.
local base = collectgarbage("count")
local most = 0
for i = 1, 300000 do
  local t = { i, i + 1 }
  if i % 1000 == 0 then
    collectgarbage("step", 0)
    most = math.max(most, collectgarbage("count"))
  end
end
print("bounded", most - base < 1024)
