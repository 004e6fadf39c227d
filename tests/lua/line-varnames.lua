-- Error messages name a variable only when the faulting value surely came from it: a value
-- produced by `and`/`or` (or any code a jump may skip) is not named.
local function run(src)
  local f = assert(load(src, "=t"))
  local ok, err = pcall(f)
  print(err)
end

run("aaa = {}; (aaa or aaa)()")
run("aaa = {}; x = (aaa or aaa) + (aaa and aaa)")
run("e = 2.5; local x = (e or math.maxinteger) >> 1")
run("a = nil; b = {}; local x = (a or b) % 2")
run("local a, b = nil, {}; local x = (a or b) .. 'x'")
run("local t = {}; local x = (t.a or t.b).c")
run("local t = {}; local x = (t.a and t.b)()")
run("local t = {}; local x = #(t.a or t.b)")
run("local t = {}; local x = -(t.x == 1 and t.y or t.z)")
run("local a, b, c = 1, 1, 1; ((a and b) or c)()")
-- ... but a call, a local or a value set after the jumps still is named.
run("local a, b, c, f = 1, 1, 1; f((a and b) or c)")
run("a = 1; local a, bbbb = 2, 3; a = bbbb(1) or a(3)")
run("a = 1; local a, bbbb = 2, 3; a = math.sin(1) and bbbb(3)")
run("local t = {}; if t.x then end; local y = t.z.w")
run("local t = {}; local y = t.x == 1; (t.q)()")
run("local t = {}; local v = t.a or t.b; v()")
run("local t = {}; while t.x do end; t.y.z = 1")
