-- Old objects move into places the collector may already have traversed while a cycle is
-- under way (run with `--gc-stress incremental`, which steps the collector at every safe
-- point and checks that no reached object refers to an unreached one). Every kind of store
-- that needs a write barrier appears once; the printed sums check that nothing was freed.

A, B = {}, {}                         -- reachable from the globals: traversed early
local N = 400
for i = 1, N do A[i] = {i}; B[i] = {-i} end

-- 1. table stores (SETTABLE with a register key, SETI, SETFIELD, raw stores in natives)
for r = 1, 6 do
  for i = 1, N do
    local j = (i * 7 + r) % N + 1
    A[i], B[j] = B[j], A[i]
    local _ = {}                        -- a safe point: the collector steps here
  end
end
for r = 1, 3 do
  for i = 1, N do
    local k = "k" .. (i % 50)
    A[k] = B[i]; B[i] = A[(i % N) + 1]
    rawset(A, -i, B[N - i + 1])
    table.insert(B, 1, table.remove(A))
  end
end
local s = 0
for _, v in pairs(A) do s = s + v[1] end
for _, v in pairs(B) do s = s + v[1] end
print("tables", s)

-- 2. closed upvalues (SETUPVAL) and debug.setupvalue. The closures hang from the globals,
-- which the collector traverses before the registry, where the objects wait.
Holders = {}
for j = 1, 2000 do
  local up = false
  Holders[j] = function(v) if v then up = v end return up end
end
local keep = {}
debug.getregistry().Keep = keep
for j = 1, 2000 do keep[j] = {j} end
for j = 1, 2000 do
  local _ = {}
  Holders[j](keep[j])                   -- an old object into a closed upvalue
  keep[j] = nil
end
Old = {99}
for i = 1, 50 do local _ = {} end
debug.setupvalue(Holders[1], 1, Old)
Old = nil
s = 0
for j = 1, 2000 do s = s + Holders[j]()[1] end
print("upvalues", s)

-- 3. metatables set on traversed tables, and fields of metatables
Objs = {}
for i = 1, 1000 do Objs[i] = setmetatable({}, {__index = {v = i}}) end
local mts = {}
debug.getregistry().Mts = mts
for i = 1, 1000 do mts[i] = {__index = {v = i * 2}} end
for i = 1, 1000 do
  local _ = {}
  setmetatable(Objs[i], mts[i])
  mts[i] = nil
end
s = 0
for i = 1, 1000 do s = s + Objs[i].v end
print("metatables", s)

-- 4. debug.upvaluejoin moves a cell into a traversed closure
local function mk(x) return function() return x end end
Fs = {}
for i = 1, 1000 do Fs[i] = mk({-i}) end
local others = {}
debug.getregistry().Others = others
for i = 1, 1000 do others[i] = mk({i}) end
for i = 1, 1000 do
  local _ = {}
  debug.upvaluejoin(Fs[i], 1, others[i], 1)
  others[i] = nil
end
s = 0
for i = 1, 1000 do s = s + Fs[i]()[1] end
print("join", s)

-- 5. coroutine stacks: values that only a suspended coroutine's stack holds
Cos = {}
for i = 1, 50 do
  Cos[i] = coroutine.wrap(function(t)
    while true do
      local _ = {}
      t = coroutine.yield(t[1]) or t
    end
  end)
  Cos[i]({i})
end
s = 0
for r = 1, 20 do
  for i = 1, 50 do s = s + Cos[i]({i + r}) end
end
print("coroutines", s)

-- 6. weak tables keep what is still referenced elsewhere
local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
W = {wk, wv}
local strong = {}
for i = 1, 300 do
  local k = {i}
  strong[i] = k
  wk[k] = {i * 2}
  wv[i] = k
  local _ = {}
end
collectgarbage()
s = 0
for k, v in pairs(wk) do s = s + k[1] + v[1] end
for _, v in pairs(wv) do s = s + v[1] end
print("weak", s)

-- 7. a big table, traversed a part at a time: old objects swapped into it, its entries
-- shifted (table.insert/remove) and the table grown (rehash) while its traversal is under way
Big = {}
for i = 1, 20000 do Big[i] = {i} end
local src = {}
debug.getregistry().Src = src
for i = 1, 20000 do src[i] = {-i} end
for r = 1, 3 do
  for i = 1, 20000, 7 do
    local _ = {}
    Big[i], src[i] = src[i], Big[i]
    if i % 97 == 0 then table.insert(Big, table.remove(Big, 1)) end
  end
end
for i = 20001, 40000 do Big[i] = src[i - 20000]; src[i - 20000] = nil; local _ = {} end
s = 0
for i = 1, #Big do s = s + Big[i][1] * (i % 13) end
print("big table", #Big, s)

-- 8. a big hash part rehashed while its traversal is under way: its entries change slots
BigHash = {}
for i = 1, 12000 do BigHash["k" .. i] = {i} end
for i = 12001, 30000 do
  BigHash["k" .. i] = {i}
  if i % 3 == 0 then BigHash["k" .. (i - 12000)] = nil end
end
s = 0
for k, v in pairs(BigHash) do s = s + v[1] end
print("big hash", s)

-- 9. load's environment: an old table, given to the chunk's new upvalue while a cycle marks
local envs = {}
debug.getregistry().Envs = envs
for i = 1, 300 do envs[i] = {x = i} end
Loaded = {}
for i = 1, 300 do
  local _ = {}
  Loaded[i] = load("return x", "env", "t", envs[i])
  envs[i] = nil
end
s = 0
for i = 1, 300 do s = s + Loaded[i]() end
print("load env", s)
