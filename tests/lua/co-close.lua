-- coroutine.close and to-be-closed variables in coroutines; errors in __close.
local function closer(name) return setmetatable({}, {__close = function(_, err) print("close", name, err) end}) end
local co = coroutine.create(function()
  local a <close> = closer("a")
  local b <close> = closer("b")
  coroutine.yield("suspended")
  print("never")
end)
print(coroutine.resume(co))
print(coroutine.close(co), coroutine.status(co))
print(coroutine.close(co))
-- close a coroutine whose __close fails
local co2 = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function() error("close error", 0) end})
  coroutine.yield()
end)
coroutine.resume(co2)
print(coroutine.close(co2))
print(coroutine.status(co2))
-- close a coroutine that died with an error
local co3 = coroutine.create(function() error({}) end)
coroutine.resume(co3)
local okc, ec = coroutine.close(co3)
print(okc, type(ec))
-- cannot close a running or normal coroutine
local co4
co4 = coroutine.create(function() return pcall(coroutine.close, co4) end)
print(coroutine.resume(co4))
print(pcall(coroutine.close, coroutine.running()))
-- an error in the body does NOT close pending variables; coroutine.close does
local co5 = coroutine.create(function()
  local v <close> = closer("v")
  error("body error", 0)
end)
print(coroutine.resume(co5))
print("before close")
print(coroutine.close(co5))
-- __close can yield in 5.4
local co6 = coroutine.create(function()
  local y <close> = setmetatable({}, {__close = function() coroutine.yield("yield in close") print("close resumed") end})
  return "body returned"
end)
print(coroutine.resume(co6))
print(coroutine.resume(co6))
-- multiple errors in __close: the last one wins
local ok, err = pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, e) error("from a (saw " .. tostring(e) .. ")", 0) end})
  local b <close> = setmetatable({}, {__close = function(_, e) error("from b (saw " .. tostring(e) .. ")", 0) end})
  error("original", 0)
end)
print(ok, err)
-- close values returned by a generic for iterator when the loop ends by error
local ok2, err2 = pcall(function()
  for i in function(_, c) c = (c or 0) + 1 if c > 2 then error("iter fail", 0) end return c end, nil, nil, closer("for4") do end
end)
print(ok2, err2)
-- the __close metamethod is looked up when the variable is closed
local mt = {__close = function() print("original close") end}
do
  local z <close> = setmetatable({}, mt)
  mt.__close = function() print("replaced close") end
end
