-- debug.sethook: line, call, return and count events
local out = {}
local function rec(ev, line)
  local info = debug.getinfo(2, "nS")
  out[#out + 1] = ev .. " " .. tostring(line) .. " " .. tostring(info and info.name) .. " " .. tostring(info and info.what)
end

local function add(a, b)
  return a + b
end

local function f(n)
  local s = 0
  for i = 1, n do
    s = add(s, i)
  end
  return s
end

debug.sethook(rec, "l")
local r = f(2)
debug.sethook()
print(r)
for _, l in ipairs(out) do print(l) end

out = {}
debug.sethook(rec, "cr")
f(1)
debug.sethook()
for _, l in ipairs(out) do print(l) end

-- count hook
local n = 0
debug.sethook(function(ev) n = n + 1 end, "", 10)
for i = 1, 100 do local x = i * 2 end
debug.sethook()
print("count events", n > 5, n < 40)

-- gethook
local function h() end
debug.sethook(h, "crl", 5)
local hf, mask, count = debug.gethook()
debug.sethook()
print(hf == h, mask, count)
print(debug.gethook())

-- tail calls
out = {}
local function g2() return 1 end
local function g1() return g2() end
debug.sethook(rec, "c")
g1()
debug.sethook()
for _, l in ipairs(out) do print(l) end

-- hooks are per coroutine
local co = coroutine.create(function()
  local a = 1
  coroutine.yield(a)
  return 2
end)
local evs = 0
debug.sethook(co, function() evs = evs + 1 end, "l")
coroutine.resume(co)
coroutine.resume(co)
print("co line events", evs)
print(debug.gethook(co) ~= nil)

-- errors in hooks propagate; a traceback names the hook
print(pcall(function()
  local fired = false
  debug.sethook(function() if not fired then fired = true; error("boom") end end, "l")
  local x = 1
end))
debug.sethook()
local tb
debug.sethook(function(e, l) if l and not tb then tb = debug.traceback("tb", 1) end end, "l")
local z = 1
debug.sethook()
print(tb)
-- a while loop on one line fires on each backward jump
out = {}
local i = 0
debug.sethook(rec, "l")
while i < 3 do i = i + 1 end
debug.sethook()
for _, l in ipairs(out) do print(l) end

-- currentline inside a line hook matches the event's line
local ok = true
debug.sethook(function(e, l)
  if debug.getinfo(2, "l").currentline ~= l then ok = false end
end, "l")
for i = 1, 3 do
  local y = i
end
debug.sethook()
print("currentline agrees", ok)

-- call/return events for natives and methods
out = {}
local obj = {m = function(self) return math.abs(-1) end}
debug.sethook(rec, "cr")
obj:m()
debug.sethook()
for _, l in ipairs(out) do print(l) end

-- count 1 counts every instruction; a hook can turn itself off
local c = 0
debug.sethook(function() c = c + 1; if c == 7 then debug.sethook() end end, "", 1)
for i = 1, 100 do end
print("count stops at", c, debug.gethook())
