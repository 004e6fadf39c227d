-- Lua functions called from natives: table.sort comparators, gsub replacement functions,
-- string.gsub/xpcall handlers — results, missing arguments, errors, hooks and limits.

local t = {5, 3, 8, 1, 9, 2}
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "))

-- A comparator with one parameter gets one argument; extra results are dropped.
t = {3, 1, 2}
table.sort(t, function(a) return a == 3, "extra" end)
print(t[1])

-- Vararg comparators (the general path).
t = {4, 2, 6, 1}
table.sort(t, function(...) local a, b = ... return a < b end)
print(table.concat(t, " "))

-- A comparator returning nothing counts as false.
t = {1, 2, 3}
local calls = 0
table.sort(t, function() calls = calls + 1 end)
print(calls > 0, #t)

-- Errors inside a comparator: message with its line, caught by an outer pcall.
local ok, err = pcall(table.sort, {3, 2, 1}, function(a, b) return a.x < b end)
print(ok, err)
ok, err = pcall(table.sort, {3, 2, 1}, function(a, b) error("stop " .. a) end)
print(ok, err)
ok, err = pcall(table.sort, {3, 2, 1}, function(a, b) error({code = a}) end)
print(ok, type(err), err.code ~= nil)

-- A pcall inside the comparator catches its own error and sorting goes on.
t = {3, 1, 2}
table.sort(t, function(a, b)
  local ok2 = pcall(error, "inner")
  return ok2 or a < b
end)
print(table.concat(t, " "))

-- Sorting inside a comparator (nested native -> Lua -> native -> Lua).
t = {{3, 1}, {2, 9}, {1, 5}}
table.sort(t, function(a, b)
  table.sort(a) table.sort(b)
  return a[1] < b[1]
end)
print(t[1][1], t[1][2], t[2][1], t[3][1])

-- Yielding across the comparator is an error.
local co = coroutine.create(function()
  table.sort({1, 2, 3}, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(co))

-- gsub with a function: captures as arguments, nil/false keeps the match.
print(("hello world"):gsub("%w+", function(w) return w:upper() end))
print(("a=1, b=2"):gsub("(%w+)=(%w+)", function(k, v) return v .. "=" .. k end))
print(("abc"):gsub("%w", function(c) if c == "b" then return nil end return c .. c end))

-- A hook set from inside a comparator fires for the rest of the sort.
local seen = 0
t = {}
for i = 1, 20 do t[i] = (i * 7) % 20 end
table.sort(t, function(a, b)
  if not debug.gethook() then
    debug.sethook(function() seen = seen + 1 end, "", 1)
  end
  return a < b
end)
debug.sethook()
print(seen > 0, t[1], t[20])

-- Deep recursion through comparators ends with an error, not a crash.
local function deep(n)
  local u = {2, 1}
  table.sort(u, function(a, b) if n > 0 then deep(n - 1) end return a < b end)
end
ok, err = pcall(deep, 1000)
print(ok, (tostring(err):gsub("^.-:%d+: ", "")))

-- Results of a function called by a native stay correct after many calls.
local sum = 0
t = {}
for i = 1, 500 do t[i] = (i * 37) % 500 end
table.sort(t, function(a, b) sum = sum + 1 return a < b end)
local sorted = true
for i = 2, #t do if t[i - 1] > t[i] then sorted = false end end
print(sorted, sum > 500)
