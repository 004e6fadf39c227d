-- __close metamethods that yield (Lua 5.4): every way of leaving a block, inside coroutines.
local function yc(name)
  return setmetatable({}, {__close = function(_, err)
    print("close start", name, type(err) == "table" and "<table>" or err)
    local r = coroutine.yield("in close " .. name)
    collectgarbage()
    print("close resumed", name, r)
  end})
end

local function drive(label, f, ...)
  print("== " .. label)
  local co = coroutine.create(f)
  local res = table.pack(coroutine.resume(co, ...))
  local n = 0
  while coroutine.status(co) == "suspended" do
    print("yielded", table.unpack(res, 1, res.n))
    n = n + 1
    res = table.pack(coroutine.resume(co, "r" .. n))
  end
  print("finished", table.unpack(res, 1, res.n))
end

-- normal block exit (CLOSE)
drive("block exit", function()
  do
    local a <close> = yc("a")
    print("in block")
  end
  print("after block")
  return "done"
end)

-- return with pending variables, several results and varargs
drive("return", function(...)
  local a <close> = yc("a")
  local b <close> = yc("b")
  return "x", "y", ...
end, 1, 2, 3)

-- return of a call's results (all of them)
drive("return call", function()
  local a <close> = yc("a")
  return select(2, "p", "q", "r")
end)

-- break out of a loop
drive("break", function()
  for i = 1, 3 do
    local c <close> = yc("loop" .. i)
    if i == 2 then break end
    print("iteration", i)
  end
  return "after break"
end)

-- goto out of a block
drive("goto", function()
  local n = 0
  ::again::
  do
    local g <close> = yc("g" .. n)
    n = n + 1
    if n < 3 then goto again end
  end
  return n
end)

-- while/repeat loops closing per iteration
drive("repeat", function()
  local i = 0
  repeat
    local r <close> = yc("rep" .. i)
    i = i + 1
  until i >= 2
  return i
end)

-- nested variables that each yield, closed innermost first
drive("nested", function()
  local a <close> = yc("a")
  do
    local b <close> = yc("b")
    local c <close> = yc("c")
  end
  local d <close> = yc("d")
  return "nested done"
end)

-- error unwinding under pcall inside the coroutine: __close gets the error, may yield, then
-- the error reaches pcall
drive("pcall error", function()
  local ok, err = pcall(function()
    local a <close> = yc("a")
    local b <close> = yc("b")
    error("boom", 0)
  end)
  print("pcall returned", ok, err)
  return "after pcall"
end)

-- a runtime error (not error()) with a table error object
drive("pcall runtime error", function()
  local e = {}
  local ok, err = pcall(function()
    local a <close> = yc("a")
    error(e)
  end)
  print("pcall returned", ok, err == e)
  local ok2, err2 = pcall(function()
    local b <close> = yc("b")
    local x = nil
    return x.field
  end)
  print("pcall returned", ok2, err2)
end)

-- a fresh error object and fresh results survive collections while the closes yield
drive("gc", function()
  local ok, err = pcall(function()
    local a <close> = yc("a")
    error({msg = "fresh " .. tostring(1)})
  end)
  print("pcall returned", ok, err.msg)
  local function many()
    local b <close> = yc("b")
    return string.rep("s", 3), {v = "t"}, table.unpack({1, 2, 3})
  end
  local s1, t1, x, y, z = many()
  print(s1, t1.v, x, y, z)
end)

-- xpcall: the handler runs first, the closes get its result
drive("xpcall", function()
  print(xpcall(function()
    local a <close> = yc("a")
    error("xboom", 0)
  end, function(m) return "handled: " .. m end))
end)

-- an error raised in __close after it yielded replaces the original; the rest still close
drive("error after yield", function()
  local ok, err = pcall(function()
    local a <close> = yc("a")
    local b <close> = setmetatable({}, {__close = function(_, e)
      coroutine.yield("b yields")
      error("b failed (saw " .. tostring(e) .. ")", 0)
    end})
    local c <close> = yc("c")
    error("first", 0)
  end)
  print("pcall returned", ok, err)
end)

-- an error in __close on normal exit, after a yield
drive("error in close on return", function()
  local ok, err = pcall(function()
    local a <close> = yc("a")
    local b <close> = setmetatable({}, {__close = function()
      coroutine.yield("b yields")
      error("b failed", 0)
    end})
    return "unreached"
  end)
  print("pcall returned", ok, err)
end)

-- nested pcalls, each with yielding closes
drive("nested pcall", function()
  local ok, err = pcall(function()
    local outer <close> = yc("outer")
    local ok2, err2 = pcall(function()
      local inner <close> = yc("inner")
      error("inner error", 0)
    end)
    print("inner pcall", ok2, err2)
    error("outer error", 0)
  end)
  print("outer pcall", ok, err)
end)

-- generic for: the fourth value is closed at the end, on break, on return and on error
local function iter(n)
  return function(_, i)
    if i < n then return i + 1 end
  end, nil, 0, yc("for" .. n)
end
drive("for end", function()
  for i in iter(2) do print("for", i) end
  return "for done"
end)
drive("for break", function()
  for i in iter(5) do
    if i == 2 then break end
    print("for", i)
  end
  return "break done"
end)
drive("for return", function()
  for i in iter(5) do
    if i == 3 then return "returned at", i end
  end
end)
drive("for error", function()
  print(pcall(function()
    for i in iter(5) do
      if i == 2 then error("error in for", 0) end
    end
  end))
end)

-- the native coroutine.yield itself as __close
do
  local obj = setmetatable({}, {__close = coroutine.yield})
  local co = coroutine.create(function()
    do
      local v <close> = obj
    end
    return "after"
  end)
  local ok, a, b = coroutine.resume(co)
  print("yield as __close", ok, a == obj, b)
  print(coroutine.resume(co))
end

-- wrap-based generators whose close yields
local gen = coroutine.wrap(function()
  for i = 1, 2 do
    local c <close> = setmetatable({}, {__close = function()
      coroutine.yield("closing " .. i)
    end})
    coroutine.yield(i)
  end
  return "gen end"
end)
for _ = 1, 5 do print("gen", gen()) end
print(pcall(gen))

local g2 = coroutine.wrap(function()
  local x <close> = setmetatable({}, {__close = function(_, e)
    coroutine.yield("close saw " .. tostring(e))
  end})
  error("gen error", 0)
end)
print(pcall(g2))
local g3 = coroutine.wrap(function()
  local x <close> = setmetatable({}, {__close = function(_, e) print("g3 close saw", e) end})
  error("g3 error")
end)
print(pcall(function() return g3() end))
local g4 = coroutine.wrap(function()
  local x <close> = setmetatable({}, {__close = function(_, e) error("g4 close error") end})
  error("g4 error")
end)
print(pcall(function() local r = g4() return r end))

-- yields through nested function calls inside __close
drive("deep yield", function()
  local function deep(n) if n == 0 then return coroutine.yield("deep") end return deep(n - 1) end
  local a <close> = setmetatable({}, {__close = function() print("deep got", deep(10)) end})
  return "deep done"
end)

-- many variables closed while unwinding, each closing through a native (bounded Rust stack)
local count = 0
local mt = {__close = function() count = count + 1 end}
local function rec(n)
  local v <close> = setmetatable({}, mt)
  if n == 0 then error("bottom", 0) end
  return rec(n - 1)
end
local okr, er = pcall(rec, 5000)
print(okr, er, count)
count = 0
local co = coroutine.wrap(function()
  local ymt = {__close = function() count = count + 1 coroutine.yield(count) end}
  local function r(n)
    local v <close> = setmetatable({}, ymt)
    if n == 0 then error("deep bottom", 0) end
    local res = r(n - 1)
    return res
  end
  return pcall(r, 3000)
end)
local last
repeat last = table.pack(co()) until last[1] ~= count or last.n > 1
print(table.unpack(last, 1, last.n))
print(count)

-- coroutine.close runs the closes from the caller's side, where yielding is an error
local cc = coroutine.create(function()
  local a <close> = yc("a")
  local b <close> = setmetatable({}, {__close = function() print("b closes") end})
  coroutine.yield("parked")
end)
print(coroutine.resume(cc))
print(coroutine.close(cc))
print(coroutine.status(cc))

-- yielding in __close in the main thread is an error
print(pcall(function()
  local m <close> = setmetatable({}, {__close = function() coroutine.yield() end})
end))
-- isyieldable inside __close
drive("isyieldable", function()
  local a <close> = setmetatable({}, {__close = function() print("yieldable", coroutine.isyieldable()) end})
end)

-- an error in __close on a normal exit kills the coroutine; coroutine.close closes the rest
local ce = coroutine.create(function()
  local a <close> = setmetatable({}, {__close = function(_, e) print("a closes with", e) end})
  do
    local b <close> = setmetatable({}, {__close = function()
      coroutine.yield("b yields")
      error("b error", 0)
    end})
  end
  print("unreached")
end)
print(coroutine.resume(ce))
print(coroutine.resume(ce))
print(coroutine.status(ce))
print(coroutine.close(ce))

-- a removed __close is an error when the variable is closed
print(pcall(function()
  local m = {__close = function() end}
  local x <close> = setmetatable({}, m)
  m.__close = nil
end))
print(pcall(function()
  local m = {__close = function() end}
  local x <close> = setmetatable({}, m)
  m.__close = nil
  error("masked", 0)
end))

-- tracebacks inside __close: a metamethod of the closing function, or called from pcall
local function tb() print(debug.traceback("tb", 1)) end
local function tf()
  local a <close> = setmetatable({}, {__close = function() tb() end})
  error("x")
end
print(pcall(tf))
local function tg()
  local a <close> = setmetatable({}, {__close = function() tb() end})
  return 1
end
tg()
local tco = coroutine.wrap(function()
  local ok = pcall(function()
    local a <close> = setmetatable({}, {__close = function() coroutine.yield(1) tb() end})
    error("y")
  end)
  return "end", ok
end)
print(tco()) print(tco())
