-- Training workload for the PGO profile (tools/pgo/pgo.py): integer and float arithmetic,
-- numeric loops with positive and negative steps, bitwise operations, math functions.
local floor, sqrt, abs, max, min = math.floor, math.sqrt, math.abs, math.max, math.min
local n = tonumber(arg and arg[1]) or 300000

local isum, fsum, bits = 0, 0.0, 0
for i = 1, n do
  isum = isum + i * 7 % 13 - (i // 3)
  fsum = fsum + i * 0.25 - i / 3
  bits = (bits ~ (i << 3)) & 0xffffff | (i >> 2)
end
for i = n, 1, -3 do
  isum = isum - i % 5
  if i % 2 == 0 then fsum = fsum * 0.999 else fsum = fsum + 1.5 end
end
for x = 0.0, 100.0, 0.125 do
  fsum = fsum + sqrt(x) * 2.0 - floor(x / 3)
end
local a, b = 1, 1
local k = 0
while k < n // 10 do
  a, b = b, (a + b) % 1000007
  k = k + 1
end
local m = 0
repeat
  m = m + 1
  isum = isum + max(m, 17) - min(m, 3) + abs(-m)
until m >= n // 20
local cmp = 0
for i = 1, n // 5 do
  local x, y = i * 1.5, i + 0.5
  if x < y then cmp = cmp + 1 elseif x <= y + 1 then cmp = cmp + 2 end
  if i == 100 or i ~= 200 and i >= 50 then cmp = cmp - 1 end
  if -i < 0 and not (i > n) then cmp = cmp + 1 end
end
print(isum, string.format("%.3f", fsum), bits, b, cmp, 7 // 2, 7.0 // 2, -7 % 3, 2 ^ 10, 1 / 0 > 0)
