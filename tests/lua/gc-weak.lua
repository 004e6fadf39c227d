-- Weak tables: weak keys, weak values, ephemerons, strings and numbers are never collected.
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
local wkv = setmetatable({}, {__mode = "kv"})
local live = {}
wk[live] = "live"; wk[{}] = "dead"
wv[1] = live; wv[2] = {}; wv[3] = "string value"; wv[4] = 42
wkv[live] = live; wkv[{}] = 1; wkv[2] = {}
collectgarbage()
print(count(wk), wk[live], count(wv), wv[1] == live, wv[2], wv[3], wv[4], count(wkv))
-- ephemeron: value refers to its own key; entry is collected
local eph = setmetatable({}, {__mode = "k"})
do local k = {} eph[k] = {ref = k} end
collectgarbage()
print("ephemeron entries", count(eph))
-- ephemeron chain kept alive by a strong root
local root = {}
local chain = setmetatable({}, {__mode = "k"})
local k1, k2 = root, {}
chain[k1] = k2
chain[k2] = {}
k2 = nil
collectgarbage()
print("chain entries", count(chain))
-- string keys in weak-key tables are not collected
local sk = setmetatable({}, {__mode = "k"})
sk["a" .. "b"] = 1; sk[10] = 2; sk[true] = 3
collectgarbage()
print("non-collectable keys", count(sk))
-- functions and closures as weak values
local wf = setmetatable({}, {__mode = "v"})
wf[1] = function() end
wf[2] = print
local captured = 5
wf[3] = function() return captured end
collectgarbage()
print(wf[2] == print, count(wf) <= 3)
-- a weak-valued cache
local cache = setmetatable({}, {__mode = "v"})
local function get(n) local v = cache[n] if not v then v = {n = n} cache[n] = v end return v end
local held = get(1)
get(2)
collectgarbage()
print(cache[1] == held, cache[2])
-- __mode set after creation still works
local later = {}
later[{}] = 1
setmetatable(later, {__mode = "k"})
collectgarbage()
print("mode set later", count(later))
-- objects with finalizers in weak tables: removed from weak values before finalization
local fin = setmetatable({}, {__mode = "v"})
fin[1] = setmetatable({}, {__gc = function(o) print("finalizer sees weak entry", fin[1] == o) end})
collectgarbage()
print(fin[1])
