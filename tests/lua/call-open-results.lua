-- Open results (`{f()}`, `f(g())`) and constructor lists through the fast call and SETLIST paths.
local function two() return 1, 2 end
local function one() return 7 end
local function none() end
local function id(...) return ... end
local function cnt(...) return select("#", ...) end
print(#{one()}, #{two()}, #{none()}, #{1, none()}, #{1, two()})
print(cnt(one()), cnt(two()), cnt(none()), cnt(1, none()), cnt(1, 2, two()))
local t = {one(), one(), two()}
print(#t, t[1], t[2], t[3], t[4])
local function mk(d) if d == 0 then return {} end return {mk(d-1), mk(d-1)} end
local function chk(x) if x[1] then return 1 + chk(x[1]) + chk(x[2]) end return 1 end
print(chk(mk(10)))
local function sum(a, b, c) return (a or 0) + (b or 0) + (c or 0) end
print(sum(one()), sum(1, one()), sum(1, 2, none()), sum(two()))
local big = {}
for i = 1, 60 do big[i] = i end
local u = {table.unpack(big)}
print(#u, u[60])
local function many() return table.unpack(big) end
local w = {0, many()}
print(#w, w[61])
local function r0() return end
local x = {r0(), r0()}
print(#x)
local n = 0
for i = 1, 1000 do local q = {one(), two()}; n = n + #q end
print(n)
-- a table with a hash part and an open list
local h = {a = 1, b = 2, two()}
print(#h, h.a, h[2])
-- multiple assignment via open call
local p, q, r = id(two())
print(p, q, r)
print(pcall(function() return {error("boom")} end))
