-- if/elseif/else, while, repeat-until, break, truthiness.
local function classify(n)
  if n < 0 then return "neg" elseif n == 0 then return "zero" elseif n < 10 then return "small" else return "big" end
end
print(classify(-5), classify(0), classify(3), classify(100))
for _, v in ipairs({false, 0, "", {}}) do
  if v then print("truthy", type(v)) else print("falsy", type(v)) end
end
if nil then print("nil true") else print("nil false") end
print(nil and 1, false and 1, 0 and 1, nil or "d", false or nil, 1 or error("no"))
print(not nil, not 0, not not "x", 1 and 2 or 3, nil and 2 or 3, false or false)
local i = 0
while i < 5 do i = i + 1 end
print("while", i)
while true do i = i + 1 if i > 7 then break end end
print("break", i)
local n = 0
repeat local k = n * 2; n = n + 1 until k >= 6
print("repeat", n)
repeat
  local done = true
until done
print("until sees local")
local out = {}
for i = 1, 3 do
  for j = 1, 3 do
    if j > i then break end
    out[#out + 1] = i .. j
  end
end
print(#out, out[1], out[6])
local w = 0
while w < 3 do
  w = w + 1
  local captured = w
  if captured == 2 then goto continue end
  print("w", captured)
  ::continue::
end
local c = 0
repeat c = c + 1 if c == 2 then break end until false
print("repeat break", c)
-- conditions with side effects evaluate once and short-circuit
local count = 0
local function tick(v) count = count + 1 return v end
if tick(false) or tick(nil) or tick(1) then print("or chain", count) end
count = 0
if tick(1) and tick(false) and tick(2) then else print("and chain", count) end
local x = tick(nil) == nil
print(x, count)
-- nested ifs and elseif chains with no else
local function grade(s)
  local g
  if s >= 90 then g = "A" elseif s >= 80 then g = "B" elseif s >= 70 then g = "C" end
  return g
end
print(grade(95), grade(85), grade(75), grade(10))
-- comparisons as values
local gt = 3 > 2
print(gt, 2 > 3, "a" == "a", 1 == "1")
