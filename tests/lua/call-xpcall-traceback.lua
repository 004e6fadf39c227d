-- An xpcall message handler runs where the error is raised, even below natives that called
-- back into Lua (sort, gsub, require, load, tostring): its traceback lists their frames.
local function clean(s) return (s:gsub("\n[^\n]*%[C%]: in %?", "")) end
local calls = 0
local function h(m) calls = calls + 1; return clean(debug.traceback(tostring(m), 1)) end
-- a sort comparator
print(xpcall(function() table.sort({3, 2, 1}, function(a, b) error("cmp") end) end, h))
-- gsub callback
print(xpcall(function() return string.gsub("x", "x", function() local y = nil; return y.z end) end, h))
-- require
package.preload.tbmod = function() error("in module") end
print(xpcall(function() return require("tbmod") end, h))
-- load reader: the handler result is what load returns
print(xpcall(function() return load(function() error("reader") end) end, h))
-- a metamethod called from a native
print(xpcall(function() return tostring(setmetatable({}, {__tostring = function() error("ts") end})) end, h))
-- nested natives
print(xpcall(function() table.sort({3, 2, 1}, function(a, b) return string.gsub("a", "a", function() error("deep") end) end) end, h))
-- a pcall in between catches it: the outer handler is not called
calls = 0
print(xpcall(function() return pcall(table.sort, {3, 2, 1}, function() error("inner") end) end, h), calls)
-- the handler runs once per error
calls = 0
print(select('#', xpcall(function() table.sort({3, 2, 1}, function(a, b) error("once") end) end, h)), calls)
-- handler that errors
print(xpcall(function() table.sort({3, 2, 1}, function(a, b) error("x") end) end, function(m) error("again") end))
-- non-string errors
print(xpcall(function() table.sort({3, 2, 1}, function(a, b) error({code = 1}) end) end, function(m) return type(m) .. ":" .. tostring(m.code) end))
-- an error in __gc during xpcall does not call the handler
calls = 0
print(xpcall(function()
  setmetatable({}, {__gc = function() error("gc") end})
  collectgarbage()
  return "ok"
end, h), calls)
-- coroutine inside xpcall: error in a callback in the coroutine goes to resume, not the handler
calls = 0
print(xpcall(function()
  local co = coroutine.create(function() table.sort({3, 2, 1}, function() error("co") end) end)
  return coroutine.resume(co)
end, h), calls)
-- wrap re-raises in the caller: the handler runs there
print(xpcall(function()
  return coroutine.wrap(function() table.sort({3, 2, 1}, function() error("wrapped") end) end)()
end, h))
