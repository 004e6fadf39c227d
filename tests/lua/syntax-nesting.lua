-- Deep nesting: modest depths compile, excessive depths give clean errors.
-- build repeated strings without the string library
local function rep(s, n)
  local r = ""
  for i = 1, n do r = r .. s end
  return r
end
local function try(label, src)
  local f, err = load(src)
  if not f then print(label, "error", err) return end
  print(label, pcall(f))
end
-- too deep for lua5.4: only that loading fails with a string message
local function deep(label, src)
  local f, err = load(src)
  print(label, f, type(err))
end
try("parens 100", "return " .. rep("(", 100) .. "1" .. rep(")", 100))
try("parens 150", "return " .. rep("(", 150) .. "1" .. rep(")", 150))
deep("parens 1000", "return " .. rep("(", 1000) .. "1" .. rep(")", 1000))
try("do 100", rep("do ", 100) .. "x = 1 " .. rep("end ", 100) .. "return x")
deep("do 1000", rep("do ", 1000) .. rep("end ", 1000))
try("concat 150", "return 'a'" .. rep(" .. 'a'", 150) .. " == " .. "'" .. rep("a", 151) .. "'")
deep("concat 300", "local a = 'x' return #(a" .. rep(" .. a", 299) .. ")")
try("plus 150", "return 0" .. rep(" + 1", 150))
try("power chain", "return 2" .. rep(" ^ 1", 100))
try("unary 150", "return " .. rep("- ", 150) .. "1")
try("not 151", "return " .. rep("not ", 151) .. "nil")
try("tables 100", "return #" .. rep("{", 100) .. rep("}", 100))
deep("tables 1000", "return " .. rep("{", 1000) .. rep("}", 1000))
try("functions 40", "return " .. rep("(function() return ", 40) .. "1" .. rep(" end)()", 40))
deep("functions 300", "return " .. rep("function() return ", 300) .. "1" .. rep(" end", 300))
try("if 100", rep("if true then ", 100) .. "y = 2 " .. rep("end ", 100) .. "return y")
try("calls 100", "local function f(x) return x end return " .. rep("f(", 100) .. "7" .. rep(")", 100))
try("index 150", "local t = {} t.t = t return t" .. rep(".t", 150) .. " == t")
try("while 100", rep("while true do ", 100) .. rep("break end ", 100) .. "return 'w'")
-- many locals and upvalues
local src = "local a1"
for i = 2, 200 do src = src .. ", a" .. i end
try("200 locals", src .. " return 'ok'")
local src = "local a1"
for i = 2, 201 do src = src .. ", a" .. i end
try("201 locals", src .. " return 'ok'")
local src = "local x = 1 " .. rep("local x = x + 1 ", 199) .. "return x"
try("199 shadowing locals", src)
local src = "local x = 1 " .. rep("local x = x + 1 ", 200) .. "return x"
try("200 shadowing locals", src)
