-- Method calls on strings (`s:m(...)`) look the method up through the string metatable's
-- `__index`, whatever that is at the time of the call.

local s = "hello"
print(s:upper(), s:sub(2, 3), s:rep(2, "-"), ("%d items"):format(3), s:len())

-- The same call site on a string, then a table with a method of the same name.
local objs = {"abc", {upper = function(self) return "table upper" end}, "xyz"}
for _, o in ipairs(objs) do print(o:upper()) end

-- A method missing from the string library.
print(pcall(function() return s:nosuch() end))

-- The string library table changed while a loop calls through it.
local mt = getmetatable("")
local saved = mt.__index
local out = {}
for i = 1, 4 do
  if i == 3 then
    mt.__index = {upper = function(x) return "replaced " .. x end}
  end
  out[#out + 1] = s:upper()
end
print(table.concat(out, ", "))

-- `__index` as a function, then a table whose own metatable supplies the method.
mt.__index = function(str, key) return function(self) return key .. "(" .. self .. ")" end end
print(s:anything(), s:upper())
mt.__index = setmetatable({}, {__index = saved})
print(s:upper(), s:byte(1))
mt.__index = saved

-- No `__index` at all, then no metatable.
mt.__index = nil
print(pcall(function() return s:upper() end))
mt.__index = saved
debug.setmetatable("", nil)
print(pcall(function() return s:upper() end))
debug.setmetatable("", mt)
print(s:upper())

-- A method on a number goes through the number's metatable (none here).
print(pcall(function() local n = 5 return n:foo() end))
