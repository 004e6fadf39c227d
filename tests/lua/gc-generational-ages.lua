-- Generational ages: objects surviving one and two minor collections (collectgarbage("step")
-- is a minor one) while stored into old tables, old upvalues and weak tables, then dropped;
-- finalizers of objects dropped at each age. What is printed holds whatever the age at which
-- an object turns old: contents intact after the steps, weak entries and finalizers settled
-- by a full collection.
collectgarbage("generational")
local function churn(n) for i = 1, n do local _ = {i, tostring(i)} end end

-- 1. a young object stored into an old table, kept across one, two, three minor collections
local old = {}
collectgarbage()                       -- `old` is old
for round = 1, 3 do
  old[round] = {tag = "r" .. round, kids = {{round}, {round * 2}}}
  for _ = 1, round do
    churn(2000)
    collectgarbage("step")
    -- a second young object hung below the first one, now one step older
    old[round].kids[#old[round].kids + 1] = {round * 100}
  end
end
churn(20000)
collectgarbage("step"); collectgarbage("step")
local s = {}
for round = 1, 3 do
  local k = old[round].kids
  local sum = 0
  for i = 1, #k do sum = sum + k[i][1] end
  s[#s + 1] = old[round].tag .. ":" .. #k .. ":" .. sum
end
print("stored into old", table.concat(s, " "))

-- 2. replaced between steps: the first value survives one step, then is overwritten
for i = 1, 20 do
  old.slot = {i}
  if i % 3 == 0 then collectgarbage("step") end
  old.slot2 = old.slot                  -- a second reference made at another age
  churn(200)
end
collectgarbage("step"); collectgarbage("step")
print("replaced", old.slot[1], old.slot2[1], old.slot == old.slot2)

-- 3. an old closure's upvalue given young values at each age
local box
local function getter() return box end
collectgarbage()                       -- getter and its upvalue are old
for i = 1, 5 do
  box = {i, {i * 10}}
  churn(1000)
  collectgarbage("step")
end
churn(20000); collectgarbage("step"); collectgarbage("step")
print("old upvalue", getter()[1], getter()[2][1])

-- 4. weak tables: entries to objects dropped after zero, one and two minor collections
local wv = setmetatable({}, {__mode = "v"})
local wk = setmetatable({}, {__mode = "k"})
collectgarbage()                       -- both weak tables old
local keep = {}
for age = 0, 2 do
  local a, b = {age}, {age}
  wv[age] = a
  wk[b] = {age, b}                     -- ephemeron: the value refers back to its key
  keep[age] = {a, b}
  for _ = 1, age do churn(1000); collectgarbage("step") end
  keep[age] = nil                      -- dropped at this age
end
keep.live = {{"live"}}
wv.live = keep.live[1]
wk[keep.live[1]] = "kept"
collectgarbage()
local n = 0
for _ in pairs(wk) do n = n + 1 end
print("weak after full", wv[0], wv[1], wv[2], wv.live[1], n, wk[keep.live[1]])

-- 5. finalizers of objects dropped at each age, one resurrecting itself into an old table
local log, saved = {}, {}
collectgarbage()                       -- `log` and `saved` old
for age = 0, 2 do
  local o = setmetatable({age}, {__gc = function(x)
    log[#log + 1] = x[1]
    if x[1] == 1 then saved[1] = x end
  end})
  local holder = {o}
  for _ = 1, age do churn(1000); collectgarbage("step") end
  holder = nil
  o = nil
end
collectgarbage(); collectgarbage()
table.sort(log)
print("finalized", table.concat(log, ","), saved[1] and saved[1][1])
saved[1][2] = {"after"}                 -- the resurrected object is still usable
churn(20000); collectgarbage("step"); collectgarbage("step")
print("resurrected", saved[1][1], saved[1][2][1])

-- 6. a chain built one link per minor collection, each link stored into the previous one
local head = {n = 0}
local tail = head
for i = 1, 30 do
  tail.next = {n = i}
  tail = tail.next
  if i % 2 == 0 then churn(500); collectgarbage("step") end
end
churn(20000); collectgarbage("step"); collectgarbage("step")
local c, p = 0, head
while p do c = c + p.n; p = p.next end
print("chain", c)
