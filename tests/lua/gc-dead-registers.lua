-- Values left in a running frame's dead registers (a call's argument area, a returned
-- callee's registers, an overwritten temporary) are not roots: an unreachable object with
-- __gc is finalized while the frame keeps allocating.

local function spin(cond)
  -- allocates until cond() holds; the bound only stops a broken collector
  for i = 1, 2000000 do
    local t = {}
    if cond() then return true end
  end
  return false
end

-- 1. the argument of a call statement whose result is discarded
local done1 = false
setmetatable({}, {__gc = function() done1 = true end})
print("call argument", spin(function() return done1 end))

-- 2. the repeat-until loop of the official suite: `u = {}` overwrites the old table
local done2 = false
local u = setmetatable({}, {__gc = function() done2 = true end})
local n = 0
repeat u = {}; n = n + 1 until done2 or n > 2000000
print("overwritten local", done2)

-- 3. a callee's registers above the caller's live registers after it returned
local done3 = false
local function make()
  local a, b, c = 1, 2, setmetatable({}, {__gc = function() done3 = true end})
  return a + b
end
print(make())
print("callee registers", spin(function() return done3 end))

-- 4. closures and concatenation as the allocating instruction
local done4 = false
do
  local x = setmetatable({}, {__gc = function() done4 = true end})
end
local s
for i = 1, 2000000 do
  s = "k" .. i
  local f = function() return i end
  if done4 then break end
end
print("closure/concat", done4)

-- 5. weak table entry whose key sat in a dead register
local w = setmetatable({}, {__mode = "k"})
w[setmetatable({}, {__gc = function() end})] = 1
print("weak key", spin(function() return next(w) == nil end))

-- 6. live values are kept: multiple assignment and nested constructors under pressure
local a, b = {}, {}
local ok = true
for i = 1, 200000 do
  a, b = {i}, {i + 1}
  local c, d = {x = {i}}, function() return a[1] + b[1] end
  if a[1] ~= i or b[1] ~= i + 1 or c.x[1] ~= i or d() ~= 2 * i + 1 then ok = false end
end
print("live values kept", ok)
