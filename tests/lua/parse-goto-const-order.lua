-- Goto, label and const-assignment errors are raised while parsing, as PUC does, so the
-- first error in the chunk is the one reported, whatever its kind.
local function try(src)
  local f, err = load(src, "=c")
  print(err or "ok")
end

-- A const assignment before a later syntax error.
try("local x <const> = 1\nx = 2\nlocal y = = 3")
try("local x <const> = 1\nlocal a\na, x = 1, 2\n$")
try("local x <const> = 1\nlocal a\nx, a\n= 1, 2\n$")
try("local x <close> = nil\nlocal function f() x = 2 end\nlocal y = = 3")
try("local x <const> = 1\nlocal function f() return function() x = 2 end end\n(")
try("local x <const> = 1\nfunction x() end\n\n  print(1)\n(")
try("local x <const> = 1\nfunction x()\nend\n\n\n)")
try("local x <const> = {}\nfunction x.f() end\nx.y = 1\nreturn x")
try("local x <const> = {}\nfunction x:m() end\nreturn x")
try("local x <const> = 1\ndo local x = 2; x = 3 end\nreturn x")
try("local _ENV <const> = {}\ny = 1")
-- The syntax error comes first.
try("local x <const> = 1\nlocal y = = 3\nx = 2")
try("local x <const> = 1\nx.y = = 2")
try("local x <const> = 1\nx")

-- A syntax error before a bad goto in a later function.
try("local a = = 1\nlocal function f() goto nowhere end")
try("local function f() goto nowhere end\nlocal a = = 1")
try("local function f()\n  goto nowhere\nend\n\n\nlocal a = = 1")
try("local function f()\n  goto nowhere\nend")
try("goto nowhere\nlocal a = 1\n")
try("goto nowhere\nlocal a = = 1\n")
try("do goto l end\nlocal a = = 1\n::l::")
try("while true do goto done end\n::done::\nlocal a = = 1")

-- A bad goto whose block closes before a later syntax error.
try("do\n  goto l\n  local x = 1\n  ::l::\n  print(x)\nend\nlocal a = = 1")
try("goto l\nlocal x = 1\n::l::\nprint(x)\n(")
try("goto l\nlocal x = 1\n::l:: ; ;\n\nprint(x)\n(")
try("goto l\nlocal x = 1\n::l::")
try("do goto l\nlocal x = 1\n::l:: end")
try("repeat goto l\nlocal x = 1\n::l:: until x")
try("for i = 1, 2 do goto l\nlocal y = 1\n::l:: print(y) end")
try("for k, v in pairs({}) do goto l\nlocal y = 1\n::l:: print(y) end")
try("goto l\nfor i = 1, 2 do end\nlocal a, b, c, d, e = 1\n::l:: print(a)")
try("local function f(a, b)\n goto l\n local c = 1\n ::l:: return c\nend\n)")
try("goto l\ngoto m\nlocal z\n::m::\n::l::\nprint(z)")

-- Labels.
try("::a::\n::a::")
try("::a:: ::b::\n::a::\n$")
try("::a::\ndo ::a:: end")
try("do ::a:: end\n::a::")
try("::a::\nlocal function f() ::a:: end")
try("::a:: ; ; ::b:: ;\n::a::")
try("::a::\n::b::\n::a::\n(")
try("local x\n::top::\nx = 1\ngoto top")

-- Break.
try("break\nlocal a = = 1")
try("local a = = 1\nbreak")
try("if x then break end")
try("local function f()\n  while true do break end\n  break\nend\n$")
try("while true do local function g() break end end")
try("for i = 1, 2 do if i then break end end")
