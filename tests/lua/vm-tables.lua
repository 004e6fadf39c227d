-- Tables: borders, normalisation, next stability, constructors.
local t = {}
for i = 1, 100 do t[i] = i end
print(#t, t[50], t[100], t[101])
t[100] = nil
print(#t)
local h = {}
h[1.0] = "a"; h[2] = "b"; h[3.5] = "c"
print(h[1], h[2.0], h[3.5], #h)
h[2^53] = "big"
print(h[2^53], h[9007199254740992])
local cnt = 0
local big = {}
for i = 1, 1000 do big["k" .. i] = i end
for k, v in pairs(big) do big[k] = nil; cnt = cnt + 1 end
print(cnt, next(big))
local mixed = {10, 20, 30, x = 1, y = 2, [100] = 5}
local sum = 0
for k, v in pairs(mixed) do sum = sum + v end
print(sum, #mixed)
local a = {n = 0}
for i = 1, 10 do a[#a + 1] = i * i end
print(#a, a[10])
local sparse = {}
sparse[1] = 1; sparse[2] = 2; sparse[4] = 4
print(#sparse == 2 or #sparse == 4)
local nested = {{1, 2}, {3, {4, 5}}}
print(nested[2][2][2], #nested[2][2])
print(({...} ~= nil), #{n = 1}, #{1, 2, 3, nil}, #{nil, nil, 3})
local k = {}
local tk = {[k] = "tablekey", [true] = "yes", [false] = "no"}
print(tk[k], tk[true], tk[false])
local neg = {[-1] = "m", [0] = "z"}
print(neg[-1], neg[0], #neg)
local s = {}
s["1"] = "string"; s[1] = "int"
print(s["1"], s[1])
