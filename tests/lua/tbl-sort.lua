-- table.sort: default order, comparators, stability-independent checks, errors.
local function show(t) return table.concat(t, " ") end
local a = {5, 2, 8, 1, 9, 3}
table.sort(a) print(show(a))
table.sort(a, function(x, y) return x > y end) print(show(a))
local s = {"banana", "apple", "Cherry", "date", ""}
table.sort(s) print(show(s))
local m = {3.5, 1, 2.25, -1, 0}
table.sort(m) print(show(m))
local big = {}
for i = 1, 1000 do big[i] = (i * 7919) % 1000 end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
print("sorted 1000", ok, big[1], big[1000])
-- sort by key of records
local recs = {{n = "c", v = 3}, {n = "a", v = 1}, {n = "b", v = 2}}
table.sort(recs, function(p, q) return p.n < q.n end)
print(recs[1].n, recs[2].n, recs[3].n)
-- empty and single-element tables
local e, one = {}, {1}
table.sort(e) table.sort(one)
print(#e, one[1])
-- sorting with __lt on elements
local mt = {__lt = function(p, q) return p.k < q.k end}
local objs = {setmetatable({k = 3}, mt), setmetatable({k = 1}, mt), setmetatable({k = 2}, mt)}
table.sort(objs) print(objs[1].k, objs[2].k, objs[3].k)
-- errors
print(pcall(table.sort, {3, "a"}))
print(pcall(table.sort, {1, 2, 3}, 42))
print(pcall(table.sort, {{}, {}}))
print(pcall(table.sort))
print(pcall(table.sort, {3, 2, 1}, function(x, y) error("cmp failed") end))
-- sort respects __index/__newindex/__len
local backing = {4, 2, 3, 1}
local proxy = setmetatable({}, {__index = backing, __newindex = backing, __len = function() return #backing end})
table.sort(proxy) print(show(backing))
