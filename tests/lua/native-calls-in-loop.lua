-- Natives called from Lua code: results in registers, open results, natives that grow the
-- stack or the frame list, call back into Lua, switch threads, set hooks or fail.

local byte, sub, unpack, select = string.byte, string.sub, table.unpack, select
local s = "hello, world"
local acc = 0
for i = 1, #s do acc = acc + byte(s, i) end
print(acc, sub(s, 1, 5), sub(s, -5))

-- Several and open results.
local a, b, c = byte(s, 1, 3)
print(a, b, c)
print(select("#", byte(s, 1, -1)), (select(2, byte(s, 1, 3))))
local t = {byte(s, 1, -1)}
print(#t, t[1], t[#t])

-- A native that grows the stack a lot, then more calls in the same frame.
local big = {}
for i = 1, 20000 do big[i] = i end
local n = select("#", unpack(big))
local last = select(20000, unpack(big))
print(n, last, byte(s, 2))

-- Natives that call back into Lua, which allocates closures and tables.
local made = {}
local r = ("abc"):gsub("%w", function(ch)
  made[#made + 1] = function() return ch end
  return ch:upper()
end)
print(r, #made, made[2]())
local sorted = {5, 1, 4}
table.sort(sorted, function(x, y)
  local f = function() return x < y end
  return f()
end)
print(table.concat(sorted, ","))

-- pcall and error through natives.
print(pcall(error, "boom", 0))
print(pcall(byte, nil))
print(select(2, pcall(function() local x = nil; return sub(x, 1) end)))
print(pcall(string.rep))

-- Coroutine primitives called from a loop.
local co = coroutine.wrap(function(x)
  for i = 1, 3 do x = coroutine.yield(x + i) end
  return "done"
end)
local outs = {}
for i = 1, 4 do outs[#outs + 1] = tostring(co(i * 10)) end
print(table.concat(outs, " "))
local th = coroutine.create(function(...) return select("#", ...), ... end)
print(coroutine.resume(th, 1, nil, 3))
print(coroutine.status(th), coroutine.isyieldable(), select(2, coroutine.running()))

-- A hook switched on and off by natives in the middle of a loop.
local lines = 0
for i = 1, 3 do
  if i == 2 then debug.sethook(function() lines = lines + 1 end, "l") end
  acc = acc + byte(s, i)
end
debug.sethook()
print(lines > 0, acc)

-- A native that collects garbage while the loop holds registers.
local keep = {}
for i = 1, 200 do
  keep[i] = {i}
  if i % 50 == 0 then collectgarbage() end
end
print(#keep, keep[200][1], collectgarbage("count") > 0)

-- Tail-called natives and natives as methods.
local function tailbyte(str) return byte(str, -1) end
print(tailbyte(s), s:upper(), ("x"):rep(3, "-"))

-- Line numbers of errors raised by natives.
local ok, err = pcall(function()
  local u = 1
  return ("x"):rep(u, {})
end)
print(ok, err)

-- The strings' metatable replaced by a native in the middle of a function: method calls on
-- strings right after it use the new one.
local str = "x"
print(pcall(function() return str:shout() end))
local oldmt = getmetatable("")
debug.setmetatable("", {__index = {shout = function(v) return string.rep(v, 2) .. "!" end}})
local shouted = str:shout()
debug.setmetatable("", oldmt)
print(shouted, str:upper(), pcall(function() return str:shout() end))
