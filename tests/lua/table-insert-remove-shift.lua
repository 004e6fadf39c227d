-- table.insert/remove shifting items: plain tables (moved in one step when they sit in the
-- array part), holes, keys spilling into the hash part, and tables with metamethods.
local function dump(t, n) local s = {} for i = 1, n do s[#s+1] = tostring(t[i]) end return table.concat(s, ",") end
local t = {1,2,3,4,5}
table.insert(t, 1, 0); print(#t, dump(t, 7))
table.insert(t, 3, "x"); print(#t, dump(t, 8))
print(table.remove(t, 1), #t, dump(t, 8))
print(table.remove(t), #t, dump(t, 8))
print(table.remove(t, 2), #t, dump(t, 8))
-- holes and hash part
local h = {1,2,3,nil,5}
table.insert(h, 2, "y"); print(dump(h, 7))
local g = {}
for i = 1, 10 do g[i] = i end
g[20] = 20
for i = 1, 3 do table.insert(g, 1, -i) end
print(#g, dump(g, 14))
for i = 1, 5 do table.remove(g, 2) end
print(#g, dump(g, 14))
local big = {}
for i = 1, 1000 do big[i] = i end
for i = 1, 100 do table.insert(big, (i * 37) % #big + 1, -i) end
for i = 1, 50 do table.remove(big, (i * 91) % #big + 1) end
local s = 0 for i, v in ipairs(big) do s = s + i * v end
print(#big, s)
-- metatable: goes through __index/__newindex
local log = {}
local p = setmetatable({}, {__index = function(_, k) return k * 10 end, __newindex = function(t, k, v) log[#log+1] = k; rawset(t, k, v) end, __len = function() return 3 end})
table.insert(p, 1, "a"); print(dump(p, 4), table.concat(log, " "))
