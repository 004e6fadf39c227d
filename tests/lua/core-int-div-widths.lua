-- Integer `//` and `%` with operands on both sides of 2^32 (Tape divides in 32 bits when
-- both operands fit), negative operands and the extremes.
local vals = {0, 1, 2, 3, 7, 0xfffffffe, 0xffffffff, 0x100000000, 0x100000001,
  0x7fffffff, 0x80000000, 12345678901, -1, -7, -0xffffffff, -0x100000000,
  math.maxinteger, math.mininteger}
local lines = {}
for _, a in ipairs(vals) do
  for _, b in ipairs(vals) do
    if b ~= 0 then
      lines[#lines + 1] = string.format("%d // %d = %d   %d %% %d = %d", a, b, a // b, a, b, a % b)
    end
  end
end
print(#lines)
for i = 1, #lines, 7 do print(lines[i]) end
-- constant divisors (the K forms) and a loop like a sieve's
local s = 0
for i = 1, 100000 do s = s + i % 7 + i // 13 + (i * 65537) % 0xffffffff end
print(s)
