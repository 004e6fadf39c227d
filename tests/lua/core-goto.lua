-- goto: continue-style, backward loops, nested blocks, and goto errors.
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  print("odd", i)
  ::continue::
end
local i = 1
::top::
if i <= 3 then
  print("back", i)
  i = i + 1
  goto top
end
for a = 1, 3 do
  for b = 1, 3 do
    if b == 2 then goto next_a end
    print("pair", a, b)
  end
  ::next_a::
end
do
  goto skip
  print("never")
  ::skip::
  print("skipped")
end
-- closures in a goto loop capture fresh locals
local fs = {}
do
  local k = 1
  ::again::
  local captured = k
  fs[k] = function() return captured end
  k = k + 1
  if k <= 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())
-- label at end of block may be followed by void statements
do
  goto done
  local x = 1
  ::done:: ;;
end
print("void ok")
local function try(src)
  local f, err = load(src)
  print(f and "ok" or err)
end
try("goto l1 local x = 1 ::l1:: print(x)")
try("do goto l2 local y ::l2:: end")
try("do goto l3 end ::l3::")
try("goto l4 do ::l4:: end")
try("::l5:: ::l5::")
try("::l6:: do ::l6:: end")
try("local function f() goto out end ::out::")
try("repeat goto cont local z = 1 ::cont:: until z")
try("for i = 1, 2 do goto c; local q = i; ::c:: end")
try("while true do goto brk end ::brk::")
try("goto = 1")
try("::1::")
try("::a:")
try("goto continue")
