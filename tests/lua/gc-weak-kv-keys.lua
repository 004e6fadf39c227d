-- An entry of a fully weak table cleared for its value does not keep its string key alive:
-- the key's memory is freed in the same cycle (measured with collectgarbage "count").
collectgarbage(); collectgarbage()
local m = collectgarbage("count")
local a = setmetatable({}, {__mode = "kv"})
a[string.rep("a", 2^20)] = 25   -- string key, number value: kept
a[string.rep("b", 2^20)] = {}   -- string key, dead value: cleared with its key
a[{}] = 14                       -- dead key: cleared
print(collectgarbage("count") > m + 2^11)
collectgarbage()
local c = collectgarbage("count")
print(c >= m + 2^10, c < m + 2^11)
local k, v = next(a)
print(k == string.rep("a", 2^20), v)
print(next(a, k))
print(a[string.rep("b", 2^20)])

-- the same in a weak-keys table: a dead key's string value goes with it
collectgarbage()
m = collectgarbage("count")
local e = setmetatable({}, {__mode = "k"})
e[{}] = string.rep("c", 2^20)
e["key"] = string.rep("d", 2^20)
collectgarbage()
c = collectgarbage("count")
print(c >= m + 2^10, c < m + 2^11)
print(#e.key, next(e, "key"))
