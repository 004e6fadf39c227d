-- package.searchpath lists every template in its "no file" message, empty ones too; the name
-- replaces every '?' before the path is split; C-string arguments end at a zero byte.
-- loadfile says "cannot open" when the file cannot be opened, "cannot read" when it cannot
-- be read.
local function t(...) print(pcall(...)) end
local d = "/nonexistent-dir/"
t(package.searchpath, "x", d .. "a;;" .. d .. "b;")
t(package.searchpath, "x", ";")
t(package.searchpath, "x", "")
t(package.searchpath, "x", ";;;")
t(package.searchpath, "a;b.c", d .. "?.lua;" .. d .. "x?")
t(package.searchpath, "a\0b", d .. "?.lua\0;x?")
t(package.searchpath, "a.b", d .. "?", "", "/")
t(package.searchpath, "a.b.c", d .. "?", "b", "XY")
t(package.searchpath, "a.b.c", d .. "?", ".", "\0")
local many = {}
for i = 1, 12 do many[i] = d .. string.rep("?", i % 4 + 1) end
many[#many + 1] = ";"
t(package.searchpath, "xu", table.concat(many, ";"))
print(loadfile("/nonexistent-dir/f.lua"))
print(loadfile("/"))
print(loadfile("/etc/passwd/x"))
t(dofile, "/nonexistent-dir/f.lua")
t(dofile, "/etc/passwd/x")
package.path = d .. "?.lua;;" .. d .. "?/init.lua"
package.cpath = ";"
t(require, "no_such_mod")
package.searchers[2] = function() return 42 end
package.searchers[3] = function() return nil end
package.searchers[4] = function() return false, "ignored" end
t(require, "no_such_mod")
