-- Table constructors, keys, normalisation, length and borders.
local t = {1, 2, 3; x = "x", ["y z"] = "yz", [10] = 10, 4,}
print(t[1], t[4], t.x, t["y z"], t[10], #t)
local n = {{1, {2, {3}}}, k = {k = {k = "deep"}}}
print(n[1][2][2][1], n.k.k.k)
local e = {}
print(#e, e[1], next(e))
print(#{nil}, #{nil, nil}, #{1, nil}, #{n = 1}, #{[1] = 1, [2] = 2})
local s = {1, 2, 3}
s[#s + 1] = 4
s[#s] = nil
print(#s, s[4])
-- integer and float keys normalise
local k = {}
k[1.0] = "one"; k[2] = "two"; k[2^53] = "big"
print(k[1], k[2.0], k[2^53 | 0], rawget(k, 1))
k[1.5] = "f"; k[-0.0] = "zero"
print(k[1.5], k[0], k[0.0])
local keys = {}
for key in pairs(k) do keys[#keys + 1] = type(key) == "number" and (key == key // 1 and "int" or "float") or "?" end
print(#keys)
-- string keys vs number keys are different
local sk = {}
sk["1"] = "str"; sk[1] = "num"
print(sk["1"], sk[1])
-- booleans, tables and functions as keys
local tk, fk = {}, function() end
local m = {[true] = "T", [false] = "F", [tk] = "table", [fk] = "fn"}
print(m[true], m[false], m[tk], m[fk], m[{}])
-- nil and NaN keys
print(pcall(function() local z = {} z[nil] = 1 end))
print(pcall(function() local z = {} z[0/0] = 1 end))
print(pcall(function() return {[nil] = 1} end))
print(pcall(rawset, {}, nil, 1))
print(({})[nil], ({})[0/0])
-- assigning nil to a missing key is fine
local z = {}
z.nothing = nil
print(next(z))
-- borders with sequences
local b = {}
for i = 1, 100 do b[i] = i end
print(#b)
for i = 51, 100 do b[i] = nil end
print(#b)
local grow = {}
for i = 1, 10 do grow[i] = true end
print(#grow, rawlen(grow))
local holes = {1, 2, nil, 4}
local h = #holes
print(h == 4 or h == 2)
-- table identity
local t1, t2 = {}, {}
print(t1 == t2, t1 == t1, type(t1), rawequal(t1, t1), rawequal(t1, t2))
-- large constructor
local big = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60}
print(#big, big[60])
-- constructor with a call and varargs at the end
local function three() return "a", "b", "c" end
print(#{three()}, #{three(), three()}, #{three(), nil}, #{(three())})
-- positional fields win over earlier explicit keys
local pos = {[1] = "explicit", "positional"}
print(pos[1])
-- integer keys far apart
local sparse = {[1] = 1, [1000000] = 2, [-5] = 3, [0] = 4}
print(sparse[1], sparse[1000000], sparse[-5], sparse[0])
-- float keys that are not integers stay floats
local fl = {[0.5] = "half", [2^63] = "huge"}
print(fl[0.5], fl[2^63], fl[9223372036854775807])
