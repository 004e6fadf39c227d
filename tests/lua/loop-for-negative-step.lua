-- Integer numeric `for` with a negative step: counts, skips, extremes, and nesting.
local function run(i0, lim, st)
  local n, first, last = 0, nil, nil
  for i = i0, lim, st do
    n = n + 1
    first = first or i
    last = i
    if n > 5 then break end
  end
  print(i0, lim, st, n, first, last)
end
run(10, 1, -1)
run(10, 1, -3)
run(1, 10, -1)          -- skipped
run(5, 5, -1)           -- once
run(5, 6, -2)           -- skipped
run(math.maxinteger, math.maxinteger - 2, -1)
run(math.mininteger + 2, math.mininteger, -1)
run(math.maxinteger, math.mininteger, math.mininteger)
run(math.maxinteger, 0, -math.maxinteger)
run(0, math.mininteger, math.mininteger)
run(-1, math.mininteger, math.mininteger)
run(3, 1.5, -1)         -- float limit: clipped
run(3, -math.huge, -2)
-- the count survives changes to the control variable
local s = 0
for i = 10, 1, -2 do s = s + i; i = 100 end
print(s)
-- nested loops with negative steps (a permutation generator's shape)
local perms = 0
local function permute(a, n)
  if n == 0 then perms = perms + 1; return end
  for i = n, 1, -1 do
    a[n], a[i] = a[i], a[n]
    permute(a, n - 1)
    a[n], a[i] = a[i], a[n]
  end
end
permute({1, 2, 3, 4, 5}, 5)
print(perms)
print(pcall(function() for i = 1, 10, 0 do end end))
