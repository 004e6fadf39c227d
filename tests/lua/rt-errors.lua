-- Runtime errors that name the culprit from the calling frame: calls through `__call` in
-- tail position, `__call` values that are not callable, and errors escaping natives.
local notcallable = setmetatable({}, {__call = 1})
print(pcall(function() return notcallable() end))
print(pcall(function() local b = notcallable; return b(1, 2) end))
print(pcall(function() local b = notcallable; b() return 1 end))
local chain = setmetatable({}, {__call = setmetatable({}, {__call = function(...) return select("#", ...) end})})
print(pcall(function() return chain(1, 2) end))
print(pcall(function() local c = chain; return c() end))
local tonative = setmetatable({}, {__call = string.rep})
print(pcall(function() return tonative("x") end))
print(pcall(function() return tonative(3) end))
local t = {}
print(pcall(function() return t.nofield(1) end))
print(pcall(function() return t:nomethod() end))
print(pcall(function() local up = nil; return (function() return up() end)() end))

-- To-be-closed variables closed while an error escapes a native callback.
print(pcall(string.gsub, "ab", "%w", function(c)
  local x <close> = setmetatable({}, {__close = function(_, e) print("closing", c, e) end})
  if c == "b" then error("in callback " .. c) end
  return c:upper()
end))
print(pcall(table.sort, {3, 1, 2}, function(a, b)
  local x <close> = setmetatable({}, {__close = function(_, e) error("close failed", 0) end})
  error("compare")
end))
