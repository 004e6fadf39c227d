-- The debug library (manual §6.10): getinfo, getlocal/setlocal, upvalues, metatables, hooks.

-- getinfo on a running function, locals by index, varargs, temporaries
local function f(a, b, ...)
  local x = 10
  local info = debug.getinfo(1, "Slnu")
  print(info.short_src, info.source, info.what, info.currentline, info.linedefined,
    info.lastlinedefined, info.nups, info.nparams, info.isvararg, info.name, info.namewhat)
  for i = 1, 3 do print(i, debug.getlocal(1, i)) end
  print(debug.getlocal(1, 4) == "info", (debug.getlocal(1, 5)))
  for i = -1, -4, -1 do print(i, debug.getlocal(1, i)) end
  print(debug.setlocal(1, 3, 99), x)
  print(debug.setlocal(1, -1, "va"), ...)
  print(debug.setlocal(1, 40, 1))
  return x
end
f(1, 2, 3, 4)
print(debug.getlocal(0, 1))
print(debug.getlocal(0, 2))
print(debug.getlocal(0, 3))
local function va(...) return debug.getlocal(1, -1) end
print(va(), va(7, 8))

-- parameter names of a function value
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
print(debug.getlocal(print, 1))

-- errors and out-of-range levels
print(pcall(debug.getlocal, 50, 1))
print(pcall(debug.setlocal, 50, 1, 1))
print(pcall(debug.getlocal, 1))
print(pcall(debug.getlocal, "a", 1))
print(debug.getinfo(50), debug.getinfo(-1))
print(pcall(debug.getinfo, 1, "x"))
print(pcall(debug.getinfo, 1, ">S"))
print(pcall(debug.getinfo, {}, "x"))

-- getinfo on functions
local pi = debug.getinfo(print)
print(pi.what, pi.source, pi.short_src, pi.currentline, pi.linedefined, pi.lastlinedefined,
  pi.nups, pi.nparams, pi.isvararg, pi.func == print, pi.istailcall, pi.name, pi.namewhat,
  pi.activelines)
local m = debug.getinfo(1, "S")
print(m.what, m.source, m.linedefined)
local function lines(a,
  b)
  local c = a
    + b
  return c
end
local li = debug.getinfo(lines, "SL")
local ls = {}
for k, v in pairs(li.activelines) do ls[#ls + 1] = k .. "=" .. tostring(v) end
table.sort(ls)
print(li.linedefined, li.lastlinedefined, table.concat(ls, ","))
local r = debug.getinfo(1, "r")
print(r.ftransfer, r.ntransfer)
print(debug.getinfo(1, "f").func ~= nil, next(debug.getinfo(1, "")))
local keys = {}
for k in pairs(debug.getinfo(1)) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, " "))
keys = {}
for k in pairs(debug.getinfo(print)) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, " "))

-- names from the calling instruction
local function named() return debug.getinfo(1, "n") end
local ni = named()
print(ni.name, ni.namewhat)
obj = { meth = function(self) return debug.getinfo(1, "n") end }
local oi = obj:meth()
print(oi.name, oi.namewhat)
function glob() return debug.getinfo(1, "n") end
local gi = glob()
print(gi.name, gi.namewhat)
print(debug.getinfo(0, "n").name, debug.getinfo(0, "S").what)
local ci = debug.getinfo(1, "n")
print(ci.name, ci.namewhat)

-- upvalues
local up1, up2 = 5, 6
local function h() return up1 + up2 end
print(debug.getupvalue(h, 1), debug.getupvalue(h, 2), debug.getupvalue(h, 3))
print(debug.setupvalue(h, 1, 50), up1, h())
print(debug.setupvalue(h, 3, 50))
print(select("#", debug.getupvalue(print, 1)))
print(debug.setupvalue(function() end, 1, 2))
local function h2() return up2 end
print(debug.upvalueid(h, 2) == debug.upvalueid(h2, 1), debug.upvalueid(h, 1) == debug.upvalueid(h2, 1),
  debug.upvalueid(h, 9))
debug.upvaluejoin(h, 1, h2, 1)
print(h())
print(pcall(debug.upvaluejoin, h, 5, h2, 1))
print(pcall(debug.upvaluejoin, print, 1, h2, 1))
print(pcall(debug.getupvalue, 1, 1))
print(pcall(debug.setupvalue, print, 1))
local cnt = 1
local function counter() cnt = cnt + 1 return cnt end
print(debug.getupvalue(counter, 1))
debug.setupvalue(counter, 1, 100)
print(counter(), cnt)

-- metatables of any type, the registry, user values
print(debug.getmetatable(1), debug.getmetatable("x").__index == string)
debug.setmetatable(10, { __index = { twice = function(n) return n * 2 end } })
print((5):twice(), (2.5):twice())
debug.setmetatable(10, nil)
print(pcall(function() return (5):twice() end))
print(pcall(debug.setmetatable, 1, 2))
local t = debug.setmetatable({}, { __tostring = function() return "T!" end })
print(tostring(t))
print(type(debug.getregistry()), debug.getregistry() == debug.getregistry())
print(debug.getuservalue(1), debug.getuservalue({}))
print(pcall(debug.setuservalue, {}, 1))

-- hooks are stored and reported back
local function nop() end
print(debug.gethook())
debug.sethook(nop, "crl", 3)
print(debug.gethook() == nop, select(2, debug.gethook()))
debug.sethook(nop, "", 0)
print(debug.gethook())
debug.sethook(nop, "", 7)
print(debug.gethook() == nop, select(2, debug.gethook()))
debug.sethook(nop, "lrx")
print(select(2, debug.gethook()))
debug.sethook()
print(debug.gethook())
print(pcall(debug.sethook, print))
print(pcall(debug.sethook, 1, "c"))

-- coroutines
local co = coroutine.create(function(a) local z = a * 2 coroutine.yield(z) end)
coroutine.resume(co, 21)
print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2))
print(debug.getinfo(co, 1, "l").currentline, debug.getinfo(co, 0, "S").what)
print(debug.setlocal(co, 1, 2, "zz"), debug.getlocal(co, 1, 2))
print(debug.getinfo(co, print, "S").what, debug.getinfo(co, 5), debug.getinfo(co, 1, "n").name)
print(pcall(debug.getlocal, co, 5, 1))
print(debug.traceback(co, nil, 1))
print(debug.traceback(co, "y", 5))
print(debug.traceback(co, 12))
print(pcall(debug.traceback, co, {}) == true)
print(debug.traceback("x", -1))
local function lvl() return debug.traceback("m", 1) .. "|" end
print((lvl()))

-- tail calls
local function tc() return debug.getinfo(1, "nt") end
local function caller() return tc() end
local a1, a2 = caller(), (tc())
print(a1.istailcall, a1.name, a1.namewhat, a2.istailcall, a2.name, a2.namewhat)
