-- Natives called in loops inside coroutines, with yields through wrap iterators, pcall and
-- errors crossing them, and hooks set inside a coroutine.
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, string.rep("x", i % 3)) end
  end)
end
local acc = {}
for i, s in gen(6) do acc[#acc + 1] = i .. ":" .. #s .. ":" .. math.max(i, 3) end
print(table.concat(acc, " "))

local co = coroutine.create(function(a)
  local t = {}
  for i = 1, 5 do
    t[#t + 1] = select("#", string.byte("abcdef", 1, i))
    if i == 3 then a = coroutine.yield(table.concat(t, ",")) end
  end
  local ok, err = pcall(string.rep)
  t[#t + 1] = tostring(ok) .. " " .. err
  return a, table.concat(t, ",")
end)
print(coroutine.resume(co, "first"))
print(coroutine.resume(co, "second"))
print(coroutine.resume(co))

-- A coroutine that errors inside a native called from a loop.
local bad = coroutine.wrap(function()
  for i = 1, 3 do
    local v = math.floor(i / 2)
    coroutine.yield(v)
  end
  return ("x"):rep(-1) .. string.format("%d", {})
end)
print(bad(), bad(), bad(), pcall(bad))

-- Hooks set and cleared inside a coroutine only apply to it.
local count = 0
local hooked = coroutine.create(function()
  debug.sethook(function() count = count + 1 end, "l")
  local s = 0
  for i = 1, 3 do s = s + math.abs(-i) end
  debug.sethook()
  coroutine.yield(s)
  for i = 1, 3 do s = s + math.abs(-i) end
  return s
end)
print(coroutine.resume(hooked))
local before = count
print(coroutine.resume(hooked))
print(count > 0, count == before)

-- Many nested native -> Lua -> native calls in a loop.
local total = 0
for i = 1, 200 do
  local s = ("a,b,c"):gsub("%a", function(c) return string.upper(c) .. i % 7 end)
  total = total + #s + select("#", string.byte(s, 1, 3))
end
print(total)

-- tostring/__tostring and __index functions (Lua called from natives) in a loop.
local mt = {__tostring = function(o) return "obj" .. o.n end,
            __index = function(t, k) return k .. "!" end}
local parts = {}
for i = 1, 4 do parts[#parts + 1] = tostring(setmetatable({n = i}, mt)) .. tostring(rawget({}, 1)) end
print(pcall(table.concat, parts, " "))
local o = setmetatable({n = 9}, mt)
print(tostring(o), o.zzz, string.format("%s|%s", o, o.q))
