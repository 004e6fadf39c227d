-- next/pairs traversal: completeness, sorted output, clearing during traversal.
local function sortedkeys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  -- insertion sort on mixed keys: numbers first, then strings
  for i = 2, #ks do
    local v, j = ks[i], i - 1
    local function less(a, b)
      if type(a) == type(b) then return a < b end
      return type(a) == "number"
    end
    while j >= 1 and less(v, ks[j]) do ks[j + 1] = ks[j] j = j - 1 end
    ks[j + 1] = v
  end
  return ks
end
local function show(t)
  local ks, s = sortedkeys(t), ""
  for i = 1, #ks do s = s .. tostring(ks[i]) .. "=" .. tostring(t[ks[i]]) .. " " end
  return s
end
print(show({1, 2, 3, a = "x", b = "y", [10] = 10, [-1] = "neg", [1.5] = "f"}))
-- array part traversed in order by next
local arr = {"a", "b", "c", "d"}
local k, v = next(arr)
local seq = ""
while k do seq = seq .. k .. v .. " " k, v = next(arr, k) end
print(seq)
-- clearing fields during traversal is allowed
local big = {}
for i = 1, 100 do big[i] = i big["k" .. i] = i end
local n = 0
for key in pairs(big) do big[key] = nil n = n + 1 end
print(n, next(big))
-- assigning existing fields during traversal is allowed
local mod = {x = 1, y = 2, z = 3, 4, 5}
for key, val in pairs(mod) do mod[key] = val * 100 end
print(show(mod))
-- next after the last key returns nil
local single = {only = true}
print(next(single), next(single, "only"))
local fk = {10, 20, 30}
print(next(fk, 2))
-- pairs returns next, t, nil
local pf, ps, pc = pairs(fk)
print(pf == next, ps == fk, pc)
-- ipairs stops at first nil even if more follow
local gaps = {1, 2, nil, 4}
local cnt = 0
for _ in ipairs(gaps) do cnt = cnt + 1 end
print(cnt)
-- counting entries of a table with many key kinds
local mixed = {[true] = 1, [false] = 2, [print] = 3, [1] = 4, ["1"] = 5, [2.5] = 6}
local c = 0
for _ in pairs(mixed) do c = c + 1 end
print(c)
-- tables grow and shrink through traversal-free operations
local g = {}
for i = 1, 1000 do g[i] = i end
for i = 1, 1000, 2 do g[i] = nil end
local left = 0
for _ in pairs(g) do left = left + 1 end
print(left)
