-- Syntax errors reported by load: exact messages.
local cases = {
  "x = ",
  "x = = 1",
  "local 1 = 2",
  "if x then",
  "if x then else elseif y then end",
  "while true do",
  "for i = 1 do end",
  "for i, j = 1, 2 do end",
  "for 1 = 1, 2 do end",
  "for i in do end",
  "repeat x = 1",
  "function f( end",
  "function f(a,) end",
  "function f(..., a) end",
  "local function (a) end",
  "return return",
  "return 1 x",
  "x.1 = 2",
  "f(",
  "f(1,",
  "t = {1, 2",
  "t = {1 2}",
  "t = {[1] 2}",
  "a + b",
  "x",
  "1 = x",
  "(x) = 1",
  "f() = 1",
  "x, y() = 1, 2",
  "local x <foo> = 1",
  "local x <const>",
  "break",
  "goto nowhere",
  "do goto l end ::l:: ::l::",
  "::a:: ::a::",
  "local x = ...  function f() return ... end",
  "x = }",
  "x = 'a' .. ",
  "return not",
  "a.b:c = 1",
  "a:b",
  "end",
  "x = 3 @ 4",
  "x = ~= 1",
  "local t = {} t.x.y.",
  "return function() end end",
  "elseif",
  "return 1,",
  "x = #",
  "local a <close> = 1 local b <close> a = 2",
  "local a <const> = 1; a = 2",
  "local a <const> = 1; function f() a = 2 end",
  "x = 1\n\n\ny = = 2",
  "return '\\300'",
  "local function f() return end return f()()()",
}
for i, src in ipairs(cases) do
  local f, err = load(src)
  if f then print(i, "loaded") else print(i, err) end
end
print(load("x =", "=mychunk"))
print(load("x =", "@file.lua"))
print(load("x =", "a chunk name"))
print(load("x =", "a very long chunk name that certainly goes past the limit of the source id"))
print(load("\n\nx =", "=(load)"))
print(load("x = 1\ny = 2\nz = +"))
print(load("x = 'a very long first line that gets truncated in the chunk name for sure' +"))
