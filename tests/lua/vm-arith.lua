-- Arithmetic with int/float/string mixes.
local vals = {0, 1, -1, 3, -7, 2.5, -0.0, 1/0, -1/0, 7.0, "10", "0x10", " 3 ", "2.5", 1}
local ops = {
  function(a, b) return a + b end, function(a, b) return a - b end,
  function(a, b) return a * b end, function(a, b) return a / b end,
  function(a, b) return a // b end, function(a, b) return a % b end,
  function(a, b) return a ^ b end,
}
for i = 1, #vals do
  for j = 1, #vals do
    local line = {}
    for k = 1, #ops do
      local ok, r = pcall(ops[k], vals[i], vals[j])
      line[#line + 1] = tostring(r)
    end
    print(i, j, line[1], line[2], line[3], line[4], line[5], line[6], line[7])
  end
end
print(0, 7 // 2, -7 // 2, 7 % -3, -7 % 3, 7.5 // 2, -7.5 % 2, 5 % (1/0))
print(1e15, 1e16, 2^53, 2^63, -2^63, 0.1 + 0.2, 100 / 3, 1e300 * 1e10, -(0/0) ~= -(0/0))
print(9223372036854775807 + 1 == (-9223372036854775807 - 1), (-9223372036854775807 - 1) // -1, (-9223372036854775807 - 1) % -1)
print(3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 63, 1 << 64, -1 >> 1, -1 >> 64, 2.0 | 1, 1 << -1)
print(pcall(function() return 1.5 | 1 end))
print(pcall(function() return "3" | 1 end))
print(pcall(function() return {} | 1 end))
print(pcall(function() local x = 1; return x // 0 end))
print(pcall(function() local x = 1; return x % 0 end))
print(1 // 0.0, -1 // 0.0, 0/0 ~= 0/0, 1 % 0.0 ~= 1 % 0.0)
print(10 == 10.0, "10" == 10, 1 < 1.5, 2^63 > 9223372036854775807, -2^63 >= (-9223372036854775807 - 1), 9223372036854775807 + 0.0 == 2^63)
print("a" < "b", "a" < "ab", "Z" < "a", "" < "a", "abc" <= "abc")
print(pcall(function() return 1 < "2" end))
print(pcall(function() return {} < {} end))
print(pcall(function() return nil > 1 end))
print(-"2", - -2, -(-9223372036854775807 - 1))
print(10 .. 20, 1.5 .. "", 2^63 .. "", -0.0 .. "")
