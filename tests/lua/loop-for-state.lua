-- Numeric `for` loops keep their own index, count and step: assigning the loop variable
-- changes only the body's copy, and integer and float loops run their exact counts.

for i = 1, 3 do
  i = i * 10
  io.write(i, " ")
end
print()

for x = 0.5, 2.0, 0.5 do
  x = -x
  io.write(x, " ")
end
print()

-- Nested loops sharing nothing but their bodies.
local acc = {}
for i = 1, 3 do
  for j = i, 1, -1 do
    acc[#acc + 1] = i * 10 + j
  end
end
print(table.concat(acc, ","))

-- Exact counts near the integer limits (no overflow of the index).
local n = 0
for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end
print(n)
n = 0
for i = math.mininteger, math.mininteger + 2 do n = n + 1 end
print(n)
n = 0
for i = math.mininteger + 2, math.mininteger, -1 do n = n + 1 end
print(n)
n = 0
for i = 1, math.maxinteger, math.maxinteger // 2 do n = n + 1 end
print(n)

-- Float loops, and an integer start with a float step.
local s = 0
for x = 1, 2, 0.25 do s = s + x end
print(s)
s = 0
for x = 3.0, 1, -0.5 do s = s + x end
print(s)

-- The loop variable captured by closures: each iteration has its own.
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())

-- Many iterations with a body that calls, so the loop runs across calls and returns.
local function sq(v) return v * v end
local total = 0
for i = 1, 10000 do total = total + sq(i) end
print(total)
