-- The sign of the NaN a math function returns outside its domain shows when it is printed
-- (`nan` or `-nan`): Tape prints what lua5.4 prints, however its libm is linked.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  print(table.concat(t, " "))
end
show(math.asin(2), math.asin(-2), math.acos(2), math.acos(-2), math.asin(math.huge), math.acos(-math.huge))
show(math.log(-1, 10), math.log(-1), math.log(-1, 2), math.log(-1, 3), math.sqrt(-1))
show(math.asin(0 / 0), math.acos(-(0 / 0)), math.asin(1), math.acos(1), math.asin(-1))
show(0 / 0, -(0 / 0), math.huge - math.huge, math.sin(math.huge), math.cos(-math.huge))
show(math.fmod(1, 0.0), math.fmod(math.huge, 2), math.atan(0 / 0, 1), (-8) ^ (1 / 3))
show(string.format("%.2f %g", math.asin(2), math.log(-1, 10)))
