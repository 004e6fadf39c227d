-- A constant left operand (numeral, <const> local, folded expression) with an `and`/`or`
-- right operand: the constant must be loaded after the right operand's jumps are resolved.
local function k(d) return 4 + (d or 0) end
print(k(1), k(nil), k(2.5))
print((1 and 2) + (3 or 4))
local x = 100
print((1 and 2) + (x or 4))
local d, n, c, f = nil, 6, true, false
local K <const> = 7
local KF <const> = 2.5
local ops = {
  function() return 10 + (d or 1), 10 + (n or 1), 10 + (c and 3 or 9) end,
  function() return 10 - (d or 1), 10 - (n or 1), 10 - (f and 3 or 9) end,
  function() return 10 * (d or 1), 10 * (n and 2), 10 * (c and 3 or 9) end,
  function() return 10 / (d or 4), 10 / (n or 1), 10 / (f or 8) end,
  function() return 10 % (d or 4), 10 % (n or 1), 10.5 % (c and 3 or 9) end,
  function() return 10 // (d or 4), 10 // (n or 1), 10.5 // (c and 3 or 9) end,
  function() return 2 ^ (d or 4), 2 ^ (n or 1), 2.5 ^ (c and 3 or 9) end,
  function() return 12 & (d or 5), 12 | (n or 1), 12 ~ (c and 3 or 9) end,
  function() return 1 << (d or 5), 1024 >> (n or 1), K << (c and 3 or 9) end,
  function() return K + (d or 1), K - (n and 2), KF * (c and 4 or 9), K // (d or 2) end,
  function() return (2 * 3) + (d or 1), (2 ^ 2) - (n or 1), (7 // 2) * (f or 3) end,
  function() return 1000 < (d or 3), 1000 > (d or 3), 1000 <= (n or 3), 1000 >= (n or 3) end,
  function() return 1.0 < (c and 3.25 or -0.0), 2.5 <= (d or 3), 2.5 > (f or 1) end,
  function() return 2^53 < (d or 3), -5000 >= (n or 3), 3 < (d or 4), 3 > (d or 4) end,
  function() return 2 == (d or 2), "a" == (d or "a"), 2 ~= (n or 2), nil == (d or nil) end,
  function() return "a" .. (d or "b"), 1 .. (n or 2), K .. (c and "x" or "y") end,
  function() return (1 and 2) + (x or 4), (nil or 3) * (d or 2), (1 and 2) < (d or 1) end,
  function() return (d or 1) + (d or 2), (c and 1) - (n and 2), (1 or 2) // (3 and 4) end,
}
for i, op in ipairs(ops) do print(i, op()) end
local t = {10, 20, 30}
print(t[1 + (d or 0)], t[1 + (n and 1)], t[K - (c and 5)], t[(d or 4) - 1])
-- the same shapes as statements and inside larger expressions
local s = 0
for i = 1, 5 do
  local v = (i % 2 == 0) and i or nil
  s = s + 3 * (v or 1) - (2 + (v and 10 or 0))
end
print(s)
print(pcall(function() return 4 + (d or {}) end))
print(pcall(function() return 1000 < (d or "x") end))
print(-(1 or 2), (1 and 2) + (-1.25 or -4), 10 - (d or 1) * (c and 2 or 0))
