-- debug.getinfo's 'r' (ftransfer, ntransfer) in call and return hooks: parameters and results as locals
local on = false
local log = {}
local function hook(event)
  if not on then return end
  local ar = debug.getinfo(2, "rnS")
  local t = {}
  for i = ar.ftransfer, ar.ftransfer + ar.ntransfer - 1 do
    local name, v = debug.getlocal(2, i)
    t[#t + 1] = tostring(name) .. "=" .. (type(v) == "number" and v or type(v))
  end
  -- (where a native other than these keeps its results is its own business)
  local f = (event == "return" and ar.what == "C" and not ({sin = 1, select = 1, pcall = 1})[ar.name]) and "?" or ar.ftransfer
  log[#log + 1] = event .. " " .. tostring(ar.name) .. " " .. f .. "/" .. ar.ntransfer .. " {" .. table.concat(t, ",") .. "}"
end
debug.sethook(hook, "cr")
on = true; math.sin(3); on = false
on = true; select(2, 10, 20, 30, 40); on = false
local function foo(a, ...) local x = 1; return ... end
local function foo1() on = not on; return foo(20, 10, 0) end
foo1(); on = false
local function bar(a, b) local c = a + b; return c, c * 2 end
on = true; bar(1, 2); on = false
on = true; pcall(bar, 3, 4); on = false
local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
on = true; coroutine.resume(co, 5); coroutine.resume(co, 7); on = false
on = true; local w = coroutine.wrap(function(...) return ... end); w(1, 2); on = false
debug.sethook()
print(table.concat(log, "\n"))
-- outside hooks: zeros
local i = debug.getinfo(1, "r")
print(i.ftransfer, i.ntransfer)
debug.sethook(function(e, l) local i = debug.getinfo(2, "r"); print(e, i.ftransfer, i.ntransfer); debug.sethook() end, "l")
local z = 1
