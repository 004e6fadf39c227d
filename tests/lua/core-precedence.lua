-- Operator precedence and associativity.
print(1 + 2 * 3, (1 + 2) * 3, 2 * 3 ^ 2, -2 ^ 2, 2 ^ -2, 2 ^ 3 ^ 2)
print(1 .. 2 .. 3, "a" .. 1 + 2, 1 + 2 .. "", 2 * 3 .. 4)
print(1 < 2 == true, not 1 == 2, not (1 == 2), #"abc" + 1, -#"ab")
print(1 | 2 & 3, (1 | 2) & 3, 1 << 2 | 1, 1 ~ 3 | 4, 6 & 3 ~ 1)
print(3 - 2 - 1, 8 / 4 / 2, 2 ^ 2 ^ 3, 7 // 2 * 2, 7 % 4 % 3)
print(1 + -2, 1 - -2, - - 2, not not nil, -2 ^ -2)
print(1 or 2 and nil, nil and 1 or 2, false or nil and 1, 1 and 2 or 3)
print(1 == 1 and 2 == 2, 1 < 2 and 2 < 3 or false, "a" .. "b" == "ab")
print(2 .. 3 < "24", 1 + 1 == 2 and "yes" or "no", #{1, 2} * 2)
print(~0 + 1, ~(0 + 1), -1 >> 63 == 1, 1 << 63 >> 63, 5 - 3 << 1)
print(3 .. 2 ^ 2, 2 ^ 2 .. 3, -3 % 5, -(3 % 5), (-3) % 5)
print("x" < "y" == true, 1 <= 1.0 ~= false, 2 > 1 == (1 < 2))
local t = {f = function() return {g = function() return 5 end} end}
print(t.f().g() + 1, -t.f().g(), #t == 0)
local s = "str"
print(#s .. "", #s + #s, not #s)
