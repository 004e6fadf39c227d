-- error() with levels and values, assert, nested pcall, xpcall handlers.
local function lvl1() error("at level 1") end
local function lvl2() error("at level 2", 2) end
local function lvl0() error("no position", 0) end
local function caller() lvl2() end
print(pcall(lvl1))
print(pcall(lvl2))
print(pcall(caller))
print(pcall(lvl0))
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, "msg", 3))
local function deeper() error("three up", 3) end
local function mid() deeper() end
local function top() mid() end
print(pcall(top))
-- non-string error values pass through untouched
local errt = {code = 42}
local ok, v = pcall(error, errt)
print(ok, v == errt, v.code)
print(pcall(error, 42))
print(pcall(error, 42.5, 1))
print(pcall(error, true))
print(select("#", pcall(error)))
local ok2, v2 = pcall(function() error(setmetatable({}, {__tostring = function() return "custom" end})) end)
print(ok2, tostring(v2))
-- numbers as messages get no position (only strings do)
print(pcall(function() error(7) end))
print(pcall(function() error("7") end))
-- assert
print(pcall(assert, true, "unused"))
print(assert(1, 2, 3))
print(pcall(assert, false))
print(pcall(assert, nil, "custom message"))
print(pcall(assert, false, 404))
local ok3, v3 = pcall(assert, false, errt)
print(ok3, v3 == errt)
print(pcall(assert))
print(pcall(function() assert(false) end))
print(pcall(function() assert(1 == 2, "math is broken") end))
-- nested pcall
print(pcall(pcall, error, "inner"))
print(pcall(function()
  local ok4, e4 = pcall(error, "first")
  error("second after " .. e4, 0)
end))
print(pcall(pcall))
-- xpcall with handlers
print(xpcall(function() error("oops") end, function(m) return "handled: " .. m end))
print(xpcall(function() return 1, 2, 3 end, print))
print(xpcall(function(a, b) return a + b end, print, 3, 4))
print(xpcall(function() error({}) end, function(m) return type(m) end))
print(xpcall(function() local x = nil; return x.y end, function(m) return "H(" .. m .. ")" end))
print(xpcall(error, function(m) return m end, "direct", 0))
-- handler receives the original value, and its result replaces it
print(xpcall(function() error(10) end, function(m) return m * 2 end))
-- errors inside the handler
print(xpcall(function() error("e1") end, function(m) error("e2") end))
print(xpcall(function() error("e1") end, function(m) local t = nil return t.x end))
print(pcall(xpcall))
print(pcall(xpcall, print))
print(pcall(xpcall, print, nil))
-- error objects through several levels of pcall
local function rethrow() local ok5, e5 = pcall(error, {tag = "T"}) error(e5) end
local ok6, e6 = pcall(rethrow)
print(ok6, e6.tag)
-- pcall returns all results
print(pcall(function() return 1, nil, 3 end))
print(pcall(print, "printed inside pcall"))
print(pcall(42))
print(pcall(nil))
