-- Every path that enters and leaves a C level (metamethods ending in a slow tail call,
-- pcall/xpcall, resume/wrap/yield, __close, __gc, natives calling back, hooks) gives it back:
-- each shape runs more times than the C-stack limit, then the depth reachable is unchanged.
local N = 400
local function id(...) return ... end
local function g(x) return x end
local function f(x) return x end
local function depth() local n=0; local mt={}; mt.__index=function(t,k) n=n+1; return setmetatable({},mt)[k] end; pcall(function() return setmetatable({},mt).x end); return n end
local function shape(name, fn)
  local ok, err = pcall(function() for i = 1, N do fn(i) end end)
  print(name, ok, ok or err, depth())
end
-- __index with slow tail calls
local mt1 = {__index = function(t, k) return f(g(k)) end}
shape("index tail f(g())", function(i) local t = setmetatable({}, mt1); return t[i] end)
local mt2 = {__index = function(t, k) return id(k) end}
shape("index tail vararg", function(i) local t = setmetatable({}, mt2); return t[i] end)
local Class = setmetatable({}, {__call = function(self, t) return t end})
local mt3 = {__index = function(t, k) return Class{k} end}
shape("index tail callable", function(i) local t = setmetatable({}, mt3); return t[i] end)
local mt4 = {__add = function(a, b) return f(g(b)) end}
shape("add tail", function(i) return setmetatable({}, mt4) + i end)
local mt5 = {__eq = function(a, b) return f(g(true)) end}
local e1, e2 = setmetatable({}, mt5), setmetatable({}, mt5)
shape("eq tail", function(i) return e1 == e2 end)
local mt6 = {__call = function(self, x) return f(g(x)) end}
local c6 = setmetatable({}, mt6)
shape("call tail", function(i) return c6(i) end)
local mt7 = {__index = function(t, k) return print and tostring(k) end}
shape("index native tail", function(i) local t = setmetatable({}, mt7); return t[i] end)
local mt8 = {__newindex = function(t, k, v) return f(g(v)) end}
shape("newindex tail", function(i) local t = setmetatable({}, mt8); t[i] = i end)
local mt9 = {__lt = function(a, b) return f(g(true)) end, __le = function(a,b) return id(true) end}
shape("lt tail", function(i) return e1 < setmetatable({}, mt9) end)
shape("le tail", function(i) return setmetatable({}, mt9) <= setmetatable({}, mt9) end)
local mt10 = {__concat = function(a, b) return f(g("x")) end}
shape("concat tail", function(i) return "a" .. setmetatable({}, mt10) .. "b" end)
local mt11 = {__len = function(a) return id(1) end, __unm = function(a) return id(1) end}
shape("len tail", function(i) return #setmetatable({}, mt11) end)
shape("unm tail", function(i) return -setmetatable({}, mt11) end)
shape("index pcall tail", function(i) return setmetatable({}, {__index = function(t,k) return pcall(g, k) end})[i] end)
shape("index pcall fail tail", function(i) return setmetatable({}, {__index = function(t,k) return pcall(error, k) end})[i] end)
shape("index xpcall tail", function(i) return setmetatable({}, {__index = function(t,k) return xpcall(error, g, k) end})[i] end)
shape("pcall tail", function(i) return pcall(function() return f(g(i)) end) end)
shape("pcall in loop err", function(i) return pcall(error, i) end)
shape("xpcall err", function(i) return xpcall(error, function(m) return f(g(m)) end, i) end)
shape("resume", function(i) local co = coroutine.create(function(x) return f(g(x)) end); return coroutine.resume(co, i) end)
shape("resume yield", function(i) local co = coroutine.create(function(x) coroutine.yield(x); return f(g(x)) end); coroutine.resume(co, i); return coroutine.resume(co) end)
shape("wrap", function(i) return coroutine.wrap(function(x) return f(g(x)) end)(i) end)
shape("wrap tail", function(i) return coroutine.wrap(function(x) return id(x) end)(i) end)
shape("resume err", function(i) local co = coroutine.create(function(x) error(x) end); return coroutine.resume(co, i) end)
shape("wrap err", function(i) return pcall(coroutine.wrap(function(x) error(x) end), i) end)
shape("index resume", function(i) return setmetatable({}, {__index = function(t,k) return coroutine.resume(coroutine.create(g), k) end})[i] end)
shape("index wrap", function(i) return setmetatable({}, {__index = function(t,k) return coroutine.wrap(g)(k) end})[i] end)
shape("index yield", function(i) local co = coroutine.wrap(function() return setmetatable({}, {__index = function(t,k) return coroutine.yield(k) end})[i] end); co(); return co(1) end)
shape("close", function(i) do local x <close> = setmetatable({}, {__close = function() return f(g(1)) end}) end end)
shape("close err", function(i) return pcall(function() local x <close> = setmetatable({}, {__close = function() return f(g(1)) end}); error("x") end) end)
shape("sort", function(i) local t = {3,2,1}; table.sort(t, function(a,b) return f(g(a<b)) end) end)
shape("gsub", function(i) return string.gsub("abc", "%w", function(c) return f(g(c)) end) end)
shape("gc", function(i) setmetatable({}, {__gc = function() return f(g(1)) end}); if i % 100 == 0 then collectgarbage() end end)
shape("tostring", function(i) return tostring(setmetatable({}, {__tostring = function() return f(g("x")) end})) end)
shape("pairs", function(i) for k in pairs(setmetatable({}, {__pairs = function(t) return f(g(next)), t, nil end})) do end end)
shape("tail native pcall", function(i) return setmetatable({}, {__index = function(t,k) return pcall(f, g(k)) end})[i] end)
shape("tail native select", function(i) return setmetatable({}, {__index = function(t,k) return select(1, g(k)) end})[i] end)
shape("hooked", function(i) end)
debug.sethook(function() end, "c")
shape("index hooked", function(i) return setmetatable({}, {__index = function(t,k) return f(k) end})[i] end)
shape("index hooked2", function(i) return setmetatable({}, {__index = function(t,k) return g(k) end})[i] end)
debug.sethook()
shape("load", function(i) return load("return ...")(i) end)
shape("dofile-ish require", function(i) return select('#', load(function() return nil end)) end)
shape("error in index pcall", function(i) return pcall(function() return setmetatable({}, {__index = function(t,k) return f(error(k)) end})[i] end) end)
shape("error in tail", function(i) return pcall(function() return setmetatable({}, {__index = function(t,k) return f(g(k)) + nil end})[i] end) end)
shape("tostring err", function(i) return pcall(tostring, setmetatable({}, {__tostring = function() return f(g({})) end})) end)
shape("__index native", function(i) return setmetatable({}, {__index = rawget})[i] end)
shape("__call native tail", function(i) local c = setmetatable({}, {__call = function(s, x) return select(1, x) end}); return c(i) end)
shape("__call chain", function(i) local c = setmetatable({}, {__call = setmetatable({}, {__call = function(a, b, x) return f(g(x)) end})}); return c(i) end)
shape("yield in pcall", function(i) local co = coroutine.wrap(function() pcall(function() coroutine.yield(1) end); return 2 end); co(); co() end)
shape("yield in pcall err", function(i) local co = coroutine.wrap(function() pcall(function() coroutine.yield(1); error("x") end); return 2 end); co(); co() end)
shape("yield in meta", function(i) local co = coroutine.wrap(function() return setmetatable({}, {__add = function(a, b) coroutine.yield(1); return f(g(2)) end}) + 1 end); co(); co() end)
shape("err in meta in co", function(i) local co = coroutine.create(function() return setmetatable({}, {__add = function(a, b) error("x") end}) + 1 end); coroutine.resume(co) end)
shape("yield in meta in co abandoned", function(i) local co = coroutine.create(function() return setmetatable({}, {__add = function(a, b) coroutine.yield(1) end}) + 1 end); coroutine.resume(co) end)
shape("close co", function(i) local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() return f(g(1)) end}); coroutine.yield() end); coroutine.resume(co); coroutine.close(co) end)
shape("close co err", function(i) local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() error("y") end}); coroutine.yield() end); coroutine.resume(co); coroutine.close(co) end)
shape("sort err", function(i) pcall(table.sort, {3,2,1}, function(a,b) error("x") end) end)
shape("gsub err", function(i) pcall(string.gsub, "abc", "%w", function(c) error("x") end) end)
shape("load reader err", function(i) pcall(load, function() error("x") end) end)
shape("load reader", function(i) local n = 0; load(function() n = n + 1; if n == 1 then return "return 1" end end) end)
shape("tostring in meta", function(i) return setmetatable({}, {__index = function(t, k) return tostring(setmetatable({}, {__tostring = function() return f(g("x")) end})) end})[i] end)
shape("err deep meta", function(i) pcall(function() return setmetatable({}, {__index = function(t, k) return setmetatable({}, {__add = function() error("x") end}) + 1 end})[i] end) end)
shape("xpcall handler in meta", function(i) return setmetatable({}, {__index = function(t, k) return xpcall(function() error("x") end, function(m) return f(g(m)) end) end})[i] end)
shape("xpcall handler err", function(i) return xpcall(function() error("x") end, function(m) error(m) end) end)
shape("wrap in meta err", function(i) return pcall(function() return setmetatable({}, {__index = function(t, k) return coroutine.wrap(function() error("x") end)() end})[i] end) end)
shape("resume dead", function(i) local co = coroutine.create(g); coroutine.resume(co); coroutine.resume(co) end)
shape("resume self", function(i) local co; co = coroutine.create(function() return coroutine.resume(co) end); coroutine.resume(co) end)
shape("yield outside", function(i) pcall(coroutine.yield, 1) end)
shape("isyieldable", function(i) coroutine.wrap(function() return coroutine.isyieldable() end)() end)
shape("tail resume", function(i) local co = coroutine.create(function(x) return coroutine.yield(x) end); coroutine.resume(co); local function r() return coroutine.resume(co, 1) end; r() end)
shape("tail yield", function(i) local co = coroutine.wrap(function(x) local function y() return coroutine.yield(x) end; y(); return y() end); co(); co(); co() end)
shape("tail pcall", function(i) local function r() return pcall(error, 1) end; r() end)
shape("tail xpcall", function(i) local function r() return xpcall(error, g, 1) end; r() end)
shape("tail wrap", function(i) local w = coroutine.wrap(function() coroutine.yield(1) end); local function r() return w() end; r(); r() end)
shape("meta tail pcall", function(i) return setmetatable({}, {__index = function(t,k) return pcall(error, f(k)) end})[i] end)
shape("meta tail resume", function(i) return setmetatable({}, {__index = function(t,k) return coroutine.resume(coroutine.create(function() coroutine.yield() end)) end})[i] end)
shape("meta tail yield", function(i) local co = coroutine.wrap(function() return setmetatable({}, {__index = function(t,k) return coroutine.yield(k) end})[i] end); co(); return co(1) end)
shape("meta tail wrap", function(i) return setmetatable({}, {__index = function(t,k) return coroutine.wrap(g)(k) end})[i] end)
shape("gc err", function(i) setmetatable({}, {__gc = function() error("x") end}); if i % 100 == 0 then collectgarbage() end end)
shape("hook err", function(i) pcall(function() debug.sethook(function(e) debug.sethook(); error("h") end, "c"); g(1) end) end)
shape("hook tail", function(i) debug.sethook(function() return f(g(1)) end, "c"); g(1); debug.sethook() end)
shape("dofile", function(i) if i % 50 == 0 then pcall(dofile, "/nonexistent") end end)
shape("require err", function(i) if i % 50 == 0 then pcall(require, "nonexistent_mod_xx") end end)
shape("string.rep err", function(i) pcall(string.rep) end)
shape("concat meta deep", function(i) return "a" .. setmetatable({}, {__concat = function(a, b) return "x" .. setmetatable({}, {__concat = function() return f(g("y")) end}) end}) .. "b" end)
shape("eq in co", function(i) local a = setmetatable({}, {__eq = function() coroutine.yield(); return f(g(true)) end}); local co = coroutine.wrap(function() return a == setmetatable({}, getmetatable(a)) end); co(); co() end)
shape("for iter in meta", function(i) for k in setmetatable({}, {__call = function(s, st, c) if not c then return f(g(1)) end end}) do end end)
print("done")
do -- dofile and __pairs calls (which may yield) give their level back
local f = io.open("/tmp/tape-call-leak3.lua", "w") f:write("local x = ... return coroutine.isyieldable() and coroutine.yield(x) or x\n") f:close()
for i = 1, 1000 do dofile("/tmp/tape-call-leak3.lua") end
print(depth())
for i = 1, 1000 do local co = coroutine.wrap(dofile); co("/tmp/tape-call-leak3.lua"); co() end
print(depth())
for i = 1, 1000 do local co = coroutine.wrap(function() for k in pairs(setmetatable({}, {__pairs = function(t) coroutine.yield(); return next, t end})) do end end); co(); co() end
print(depth())
for i = 1, 1000 do pcall(dofile, "/nonexistent") end
for i = 1, 1000 do pcall(pairs, setmetatable({}, {__pairs = function() error("x") end})) end
print(depth())
-- resumed elsewhere
local function at_level(n, f) if n == 0 then return f() end; return setmetatable({}, {__index = function() return at_level(n - 1, f) end}).x end
local co = coroutine.wrap(function() for k in pairs(setmetatable({}, {__pairs = function(t) coroutine.yield(); return next, t end})) do end; coroutine.yield(depth()) end)
at_level(100, co); print(co())
os.remove("/tmp/tape-call-leak3.lua")
end
