-- Numeric for: integer and float loops, steps, overflow safety, errors.
local maxi = 9223372036854775807
local mini = -maxi - 1
local function run(a, b, c)
  local r = {}
  if c then for i = a, b, c do r[#r + 1] = tostring(i) if #r > 10 then break end end
  else for i = a, b do r[#r + 1] = tostring(i) if #r > 10 then break end end end
  local s = ""
  for k = 1, #r do s = s .. (k > 1 and "," or "") .. r[k] end
  print(a, b, c, "->", #r, s)
end
run(1, 5)
run(1, 0)
run(5, 1, -1)
run(5, 1, -2)
run(1, 3, 0.5)
run(1.0, 3)
run(1, 3.5)
run(0.1, 0.5, 0.1)
run(1, 2, 0.25)
run(maxi - 2, maxi)
run(mini, mini + 2)
run(mini + 2, mini, -1)
run(maxi - 1, maxi, 10)
run(mini + 1, mini, -10)
run(1, maxi, maxi)
run(-1, mini, mini)
run(0, 1/0, 2^62)
run(3, 1.5, -0.5)
run(1, -1/0)
run(1, 0/0)
run(1, 3.9)
run(-1, -3.9, -1)
run(1, 2^63)
run(1, -2^63)
run(-5, -2^63, -maxi)
run(maxi, 2^63)
run(1, 1)
run(2^53, 2^53 + 2)
local function e(f) print(select(2, pcall(f))) end
-- strings are converted to numbers by the for loop
print(pcall(function() local s = 0 for i = "1", 2 do s = s + i end return s end))
print(pcall(function() local s = 0 for i = 1, "2" do s = s + i end return s end))
print(pcall(function() local s = 0 for i = 1, 2, "1" do s = s + i end return s end))
print(pcall(function() local s = 0 for i = "0x10", 17 do s = s + i end return s end))
e(function() for i = "a", 2 do end end)
e(function() for i = nil, 2 do end end)
e(function() for i = 1, {} do end end)
e(function() for i = 1, 2, 0 do end end)
e(function() for i = 1.0, 2, 0 do end end)
e(function() for i = 1, 2, 0.0 do end end)
e(function() for i = 1, 2, false do end end)
-- the loop variable is a fresh copy each iteration
for i = 1, 3 do local j = i; i = i * 10; print("body", i, j) end
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
-- bounds evaluated once
local calls = 0
local function lim() calls = calls + 1 return 3 end
for i = 1, lim() do end
print("limit calls", calls)
local n = 0
for i = 1, 1000000 do n = n + i end
print(n)
local f = 0
for x = 0, 1, 0.1 do f = f + 1 end
print("float steps", f)
