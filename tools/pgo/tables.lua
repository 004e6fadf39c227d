-- Training workload for the PGO profile (tools/pgo/pgo.py): arrays, hashes, table library,
-- iteration, nested tables.
local n = tonumber(arg and arg[1]) or 100000

local arr = {}
for i = 1, n do arr[i] = (i * 7919) % 10007 end
local s = 0
for i = 1, #arr do s = s + arr[i] end
for i, v in ipairs(arr) do if v % 2 == 0 then s = s - i end end

local h = {}
for i = 1, n // 2 do h["k" .. (i % 5000)] = i; h[i * 3] = i end
local cnt = 0
for k, v in pairs(h) do cnt = cnt + 1 end
for i = 1, n do
  local v = h["k" .. (i % 6000)]
  if v then s = s + v end
end

local pts = {}
for i = 1, n // 4 do pts[i] = {x = i, y = -i, z = i * 0.5} end
for _, p in ipairs(pts) do p.x, p.y = p.y, p.x; p.z = p.z + p.x end

local q = {}
for i = 1, 20000 do table.insert(q, i) end
for i = 1, 10000 do table.remove(q) end
table.insert(q, 1, 0)
table.remove(q, 1)
local sorted = {}
for i = 1, 20000 do sorted[i] = (i * 2654435761) % 100003 end
table.sort(sorted)
local objs = {}
for i = 1, 10000 do objs[i] = {key = (i * 37) % 1001, id = i} end
table.sort(objs, function(a, b) if a.key ~= b.key then return a.key < b.key end return a.id < b.id end)
local words = {}
for i = 1, 5000 do words[#words + 1] = "w" .. i end
local joined = table.concat(words, ",")
local grid = {}
for r = 1, 200 do
  local row = {}
  for c = 1, 200 do row[c] = r * c end
  grid[r] = row
end
local tr = 0
for r = 1, 200 do tr = tr + grid[r][r] + grid[r][201 - r] end
local u = table.unpack({1, 2, 3})
local mv = table.move(arr, 1, 100, 1, {})
print(s, cnt, pts[10].z, #q, sorted[1], sorted[#sorted], objs[1].id, #joined, tr, u, #mv, next({}))
