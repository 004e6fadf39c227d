-- A function may define at most 131071 functions directly (PUC's limit), nested ones apart.
-- (lua5.4 passes this error through the running message handler, which in its standalone
-- interpreter appends a traceback; only the message itself is compared.)
local function first_line(f, err) return f, err and err:match("^[^\n]*") end
print(load(string.rep("f = function() end ", 131071)) ~= nil)
print(first_line(load(string.rep("f = function() end ", 131072))))
print(first_line(load("local function g() " .. string.rep("f = function() end ", 131072) .. " end")))
-- nesting does not count towards the enclosing function's limit
print(load(string.rep("f = function() return function() end end ", 70000)) ~= nil)
