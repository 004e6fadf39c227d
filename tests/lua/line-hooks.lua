-- Line events (debug.sethook "l") and active lines of code spread over several lines: which
-- line each instruction belongs to, as PUC's one-pass compiler assigns them.
local function events(name, src)
  local f = assert(load(src, "=" .. name))
  local ev = {}
  local function hook(_, l) ev[#ev + 1] = l end
  debug.sethook(hook, "l"); local ok, err = pcall(f); debug.sethook()
  local al = {}
  for l in pairs(debug.getinfo(f, "L").activelines) do al[#al + 1] = l end
  table.sort(al)
  print(name, table.concat(ev, " "), "active: " .. table.concat(al, ","), ok or err)
end

-- The final implicit return belongs to the last token, not to the end of the file.
events("final-return", "local a = 1\nlocal b = a\n\n\n")
events("empty-chunk", "\n\n\n")
-- An `if` condition's test is on the `then` line.
events("if-then", "local a = 1\nif a\nthen\n  a = 2\nend\n")
events("if-compare", "local a = 1\nif a\n<\n2 then\n  a = 2\nelseif a >\n3\nthen a = 3 else\n a = 4\nend\n")
-- A `while` loop jumps back from its body's last token; no event on `end`.
events("while", "local s = 0\nwhile s < 3 do\n  s = s + 1\nend\n")
events("while-empty", "local s = 0\nwhile s\n<\n0 do\nend\n")
events("repeat", "local s = 0\nrepeat\n  s = s + 1\nuntil s >= 3\n")
events("numeric-for", "local s = 0\nfor i = 1,\n 3\n do\n  s = s + i\nend\n")
-- A generic `for` calls its iterator on the line of the token after `in`, and TFORPREP's
-- jump to the call fires no event.
events("generic-for", "for k, v in\n  pairs({1,2}) do\n  local x = v\nend\n")
events("generic-for-empty", "for k in\n next, {1, 2}\n do end\n")
-- Operands and operators split over lines.
events("arith", "local a, b = 1, 2\nlocal c = a\n+\nb\n*\na\n")
events("compare-value", "local a, b = 1, 2\nlocal c = a\n<\nb\n, a\n==\nb\n")
-- A constant that is no immediate operand is loaded on the comparison's line.
events("compare-const", "local x, d = 5, nil\nlocal c = 1000\n<\nx\nlocal e = 2^63\n>\n(d or 1)\nassert(e and not c)\n")
events("concat", "local a = 'x'\nlocal b = a ..\n 'y' ..\n a\n .. 'z'\n")
events("unary", "local a = 1\nlocal b = -\n a\nlocal c = not\n a\nlocal d = #\n 'x'\n")
events("and-or", "local a = nil\nlocal b = a and\n 1 or\n 2\nlocal c = (a\n or\n b)\n")
-- Calls, arguments, constructors, methods.
events("call-args", "local t = {}\nlocal x = select('#',\n t.a,\n t.b\n)\n")
events("call-comma-first", "local t = {}\nlocal x = select('#'\n , t.a\n , t.b)\n")
events("constructor", "local t = {}\nlocal u = {\n t.a,\n t.b\n ,\n x = t.c,\n [\n 1.5\n ] = 1,\n t.d\n}\n")
events("empty-table", "local t\nt =\n{\n}\nt = {}\n")
events("vararg", "local function f(...)\n  local a, b =\n    ...\n  return a, b\nend\nf(1, 2)\n")
events("method-chain", "local o = setmetatable({}, {__index = function(t) return function() return t end end})\no:a()\n :b()\n :c()\n .d()\n")
events("index-chain", "local t = {a = {b = {}}}\nlocal x = t\n.a\n.b\n[\n1000\n]\n")
events("function-name", "local obj = {sub = {}}\nfunction obj\n.sub\n.deep()\nend\nfunction obj\n.sub\n:m()\nend\n")
events("assign", "local t = {}\nt.a,\n t.b =\n 1,\n 2\n")
events("local-nil", "local a,\n b\nlocal c <const> = 1\n")
events("return", "local function f(a)\n  return a,\n   a\n end\nf(1)\nreturn\n")
events("goto", "local i = 0\n::top::\ni = i + 1\nif i < 3 then goto\n top end\nif i > 5 then goto out end\n::out::\n")
events("goto-forward", "local i = 0\nif i == 0 then\n goto skip end\ni = 1\n::skip::\n")
events("break", "while true do\n  if 1\n then\n break end\nend\n")
events("do-close", "local x = 1\ndo\n  local y = 2\n  local f = function() return y end\nend\nx = 2\n")
events("repeat-close", "local i = 0\nrepeat\n  local y = i\n  local f = function() return y end\n  i = i + 1\nuntil i > 1\n")
-- Back from a metamethod called by a comparison that jumps: the next line fires.
events("metamethod-jump", "local mt = {__lt = function() return true end}\nlocal a, b = setmetatable({}, mt), setmetatable({}, mt)\nlocal c = a\n< b\n,\n1\n")
events("call-in-loop", "local function f() end\nfor i = 1, 2 do f() end\nfor i = 1, 2 do\n f()\nend\n")
