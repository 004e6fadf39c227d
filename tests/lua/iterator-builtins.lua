-- Generic `for` over `next` / `pairs` and `ipairs`: a plain table is stepped without calling
-- the iterator, which must not change what any loop sees.

local function keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return table.concat(ks, " ")
end

-- Array and hash parts, one and two loop variables, `next` written out.
local t = {10, 20, 30, x = 1, y = 2, [2.5] = "f", [true] = "b"}
local sum = 0
for k, v in pairs(t) do if type(v) == "number" then sum = sum + v end end
print(sum, keys(t))
local n = 0
for k in next, t do n = n + 1 end
print(n)
local n2 = 0
for k, v in next, t, nil do n2 = n2 + 1 end
print(n2)

-- ipairs stops at the first nil; a hole ends it.
local arr = {1, 2, 3, nil, 5}
local seen = {}
for i, v in ipairs(arr) do seen[#seen + 1] = i .. "=" .. v end
print(table.concat(seen, " "))
for i in ipairs({"a", "b"}) do io.write(i, " ") end
print()

-- ipairs goes through __index (5.4), for a table with a metatable and for a proxy.
local proxy = setmetatable({}, {__index = function(_, i) if i <= 3 then return i * 100 end end})
local out = {}
for i, v in ipairs(proxy) do out[#out + 1] = v end
print(table.concat(out, " "))
local partial = setmetatable({1, 2}, {__index = {[3] = 3, [4] = 4}})
out = {}
for i, v in ipairs(partial) do out[#out + 1] = v end
print(table.concat(out, " "))

-- pairs with __pairs, and next ignoring __index.
local pp = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
for k, v in pairs(pp) do print("__pairs", k, v) end
local withidx = setmetatable({a = 1}, {__index = {b = 2}})
print(keys(withidx))

-- Clearing fields while traversing is allowed.
local big = {}
for i = 1, 100 do big["k" .. i] = i end
for k in pairs(big) do big[k] = nil end
print(next(big))

-- More loop variables than the iterator gives.
for k, v, extra in pairs({only = 1}) do print(k, v, extra) end
for i, v, extra in ipairs({"x"}) do print(i, v, extra) end

-- Errors come from the iterator, as before.
print(pcall(function() for k in next, 5 do end end))
print(pcall(function() for k in next, {}, "nokey" do end end))
print(pcall(function() for i in ipairs() do end end))
print(pcall(function() for i, v in ipairs(nil) do end end))

-- ipairs over a string goes through the string metatable.
for i, v in ipairs("abc") do print("string", i, v) end

-- A call hook sees every call of the iterator.
local calls = 0
debug.sethook(function() calls = calls + 1 end, "c")
for k in pairs({1, 2, 3}) do end
debug.sethook()
print(calls > 3)

-- The iterator functions stay what they were, whatever the globals become.
local mynext, myipairs = next, ipairs
next, ipairs, pairs = nil, nil, nil
collectgarbage()
local c = 0
for k in mynext, {1, 2, 3} do c = c + 1 end
for i in myipairs({1, 2}) do c = c + 1 end
print(c)
