-- C levels inside a coroutine count from the resume that runs it, whatever depth it yielded at
-- (a metamethod, pcall or __close that yielded returns without restoring an old level).
local function depth() local n=0; local mt={}; mt.__index=function(t,k) n=n+1; return setmetatable({},mt)[k] end; pcall(function() return setmetatable({},mt).x end); return n end
-- a coroutine that yields inside a metamethod, then reports the depth it can reach
local function body()
  local r = setmetatable({}, {__add = function(a, b) coroutine.yield("in meta"); return 1 end}) + 1
  coroutine.yield(depth())
  return depth()
end
-- resume first at a high level, then at top level
local function at_level(n, f) if n == 0 then return f() end; return setmetatable({}, {__index = function() return at_level(n - 1, f) end}).x end
local co = coroutine.wrap(body)
print(at_level(100, co))
print(co())
print(co())
-- resume first at top level, then continue from a high level
co = coroutine.wrap(body)
print(co())
print(at_level(100, co))
print(at_level(50, co))
print(depth())
-- the same through pcall, __close, __index and an error caught after the resume
local function body2()
  pcall(function() coroutine.yield("in pcall") end)
  coroutine.yield(depth())
  do local x <close> = setmetatable({}, {__close = function() coroutine.yield("in close") end}) end
  coroutine.yield(depth())
  local ok = pcall(function() local _ = setmetatable({}, {__index = function() coroutine.yield("in index"); error("e") end}).x end)
  coroutine.yield(depth())
  local v = setmetatable({}, {__index = function(t, k) return coroutine.yield("in index tail") end}).x
  return depth()
end
for _, lv in ipairs{{100, 0}, {0, 100}, {60, 120}} do
  co = coroutine.wrap(body2)
  local hi, lo = lv[1], lv[2]
  for i = 1, 8 do print(i, at_level(i % 2 == 1 and hi or lo, co)) end
end
print(depth())
