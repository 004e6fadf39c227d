-- Which operand's NaN an operation on two NaNs returns is observable through tostring; it
-- follows lua5.4 (on x86-64: the left operand's for `*`, `-`, `/`, the right one's for `+`).
local a, b = 0/0, -(0/0)
print(a * b, b * a, a + b, b + a, a - b, b - a, a / b, b / a)
print(a % b, b % a, a // b, b // a, a ^ b, b ^ a)
print(a * 2, 2 * b, a + 1, 1 + b, a * 1.5, b + 0.5)
local K <const> = 0/0
print(K * b, b * K, K + b, b + K)
