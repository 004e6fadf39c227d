-- `#` of tables with holes returns the border lua5.4 returns (PUC array sizing and its
-- border hint), and `pairs` visits integer and float keys in lua5.4's order.
local out = {}
local function p(...) out[#out+1] = table.concat({...}, " ") end
-- constructors with nils
p(#{1,nil,3}, #{1,2,nil}, #{nil,nil,3}, #{nil}, #{1,nil}, #{n=1, 1, nil, 3})
local function f(...) return #{...} end
p(f(1,nil,3), f(nil,nil), f(1,2,3,nil), f(nil,2))
-- removal at the end and middle
local t = {}
for i = 1, 20 do t[i] = i end
t[20] = nil; p(#t)
t[10] = nil; p(#t)
t[19] = nil; t[18] = nil; p(#t)
for i = 11, 17 do t[i] = nil end p(#t)
t[9] = nil t[8]=nil p(#t)
-- sparse fill
local s = {}
for i = 1, 100, 3 do s[i] = i end
p(#s)
local s2 = {}
for i = 100, 1, -1 do s2[i] = i end
p(#s2)
s2[50] = nil p(#s2)
s2[100] = nil p(#s2)
local s3 = {}
for i = 1, 64 do s3[i] = i end
for i = 1, 64, 2 do s3[i] = nil end
p(#s3)
s3[64] = nil p(#s3)
-- mixed with hash
local m = {x=1, y=2}
for i = 1, 10 do m[i] = i end
m[5] = nil p(#m)
m[10] = nil p(#m)
for i = 20, 30 do m[i] = i end p(#m)
-- table.remove / insert on holes
local r = {1, 2, nil, 4, 5}
p(#r, table.remove(r), #r)
table.insert(r, 9) p(#r, table.concat(r, ",", 1, 2))
-- pairs order over integer keys
local o = {}
for _, k in ipairs{5, 17, 3, 100, 2, 64, 33, 1, 8} do o[k] = k end
local ks = {}
for k in pairs(o) do ks[#ks+1] = k end
p(table.concat(ks, ","))
local o2 = {10, 20, 30}
o2[7] = 7; o2[-1] = -1; o2[0] = 0; o2[1.5] = 1.5; o2[true] = 1; o2[false] = 0
local ks2 = {}
for k in pairs(o2) do if type(k) ~= "string" then ks2[#ks2+1] = tostring(k) end end
p(table.concat(ks2, ","))
local fl = {}
for i = 1, 20 do fl[i + 0.5] = i end
local ks3 = {}
for k in pairs(fl) do ks3[#ks3+1] = k end
p(table.concat(ks3, ","))
-- alimit moves by reads
local a = {}
for i = 1, 8 do a[i] = i end
a[8] = nil; a[7] = nil
p(#a)
local _ = a[8]
p(#a)
a[6] = nil p(#a)
a[8] = 8 p(#a)
-- table.unpack / select with holes
local u = {1, nil, 3, nil, 5, nil}
p(#u, select("#", table.unpack(u)))
local big = {}
for i = 1, 1000 do big[i] = i end
for i = 1, 1000, 7 do big[i] = nil end
p(#big)
for i = 1000, 900, -1 do big[i] = nil end
p(#big)
print(table.concat(out, "\n"))
