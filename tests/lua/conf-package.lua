-- Conformance of package functions with PUC Lua 5.4: argument checks of searchpath (reported
-- for the last bad argument, as PUC's C compiler evaluates them) and a numeric package.path.
local function t(...) print(pcall(...)) end
t(package.searchpath)
t(package.searchpath, "a")
t(package.searchpath, nil, "x")
t(package.searchpath, "a", "x", {})
t(package.searchpath, "a.b", "./?.lua;/nonexistent/?/init.lua")
t(package.searchpath, "a.b", "/nonexistent/?.x", "", "")
package.path = 12
package.cpath = ""
t(require, "no_such_module_here")
package.path = {}
t(require, "no_such_module_here")
