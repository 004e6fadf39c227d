-- C-level nesting limits: metamethods, pcall, natives calling back and nested resumes all
-- count towards PUC's 200 C levels, with the same depths as lua5.4 reaches.
local depth = 0
local idx = setmetatable({}, {__index = function(t, k) depth = depth + 1 return t[k] end})
depth = 0 print(pcall(function() return idx.x end)) print(depth)
depth = 0 print(coroutine.wrap(function() return pcall(function() return idx.x end) end)()) print(depth)
depth = 0 print(pcall(pcall, function() return idx.x end)) print(depth)
depth = 0 print(xpcall(function() return idx.x end, function(m) return "handled: " .. m end)) print(depth)
depth = 0 print(pcall(string.gsub, "x", "x", function() return idx.x end)) print(depth)
depth = 0 print(pcall(table.sort, {1, 2}, function() return idx.x end)) print(depth)
local add = setmetatable({}, {__add = function(a, b) depth = depth + 1 return a + b end})
depth = 0 print(pcall(function() return add + 1 end)) print(depth)
local ts = setmetatable({}, {__tostring = function(s) depth = depth + 1 return tostring(s) end})
depth = 0 print(pcall(tostring, ts)) print(depth)

-- Recursive pcall: the innermost pcall catches the overflow itself.
local function f(n) depth = n return pcall(f, n + 1) end
depth = 0 print(select("#", f(1)), select(-1, f(1))) print(depth)
local function g(n)
  depth = n
  local ok, e = pcall(g, n + 1)
  if not ok then print("caught at", n, e) end
  return ok
end
print(g(1))

-- Natives re-entering Lua.
local function s(n) depth = n return string.gsub("x", "x", function() return s(n + 1) end) end
print(pcall(s, 1)) print(depth)

-- Nested resumes: the coroutine that cannot start stays suspended.
local last
local function r(n)
  depth = n
  local co = coroutine.create(function() return r(n + 1) end)
  local ok, e = coroutine.resume(co)
  if not ok and not last then last = co end
  return ok, e
end
print(r(1)) print(depth, coroutine.status(last))

-- Nested wraps: each level adds its position to the error message.
local function w(n) depth = n local c = coroutine.wrap(function() return w(n + 1) end) return c() end
local ok, e = pcall(w, 1)
local _, count = e:gsub("rt%-cstack%.lua:%d+: ", "")
print(ok, count, e:sub(-40)) print(depth)

-- A coroutine that yields from inside a metamethod leaves no extra level behind.
local ymt = {__index = function(t, k) return coroutine.yield(k) end}
for i = 1, 300 do
  local co = coroutine.wrap(function() return setmetatable({}, ymt).key end)
  co()
end
depth = 0 print(pcall(function() return idx.x end)) print(depth)
