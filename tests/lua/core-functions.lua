-- Functions: definitions, multiple returns, recursion, tail calls, methods.
local function mr() return 1, 2, 3 end
local a, b, c, d = mr()
print(a, b, c, d)
local x, y = (mr())
print(x, y)
print(mr(), mr())
print(({mr(), mr()})[4] == nil, #{mr(), mr()}, #{mr(), (mr())})
local function none() end
print(none(), select("#", none()), select("#", (none())))
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(5), fact(20), fact(21))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
-- mutual recursion through locals declared ahead
local isodd
local function iseven(n) if n == 0 then return true end return isodd(n - 1) end
function isodd(n) if n == 0 then return false end return iseven(n - 1) end
print(iseven(10), isodd(7), iseven(7))
-- proper tail calls: a million-deep tail recursion runs in constant stack
local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
print(loop(1000000, 0))
local function ping(n) if n == 0 then return "ping done" end return (pong or error)(n - 1) end
function pong(n) if n == 0 then return "pong done" end return ping(n - 1) end
print(ping(1000001))
-- tail call through a method and varargs
local obj = {n = 0}
function obj:step(k, ...) if k == 0 then return self.n, ... end self.n = self.n + 1 return self:step(k - 1, ...) end
print(obj:step(300000, "extra", "args"))
-- methods and dotted names
local M = {inner = {}}
function M.f(v) return "f" .. v end
function M.inner.g(v) return "g" .. v end
function M:h(v) return self == M, v end
print(M.f(1), M.inner.g(2), M:h(3), M.h(M, 4))
-- string call syntax and table call syntax
local function id(v) return v end
print(id"str", id[[long]], id{1, 2}[2], type(id{}))
-- functions are values; equality is identity
local f1 = function() end
local f2 = function() end
print(f1 == f1, f1 == f2, type(f1), type(print))
-- parameters beyond arguments are nil; extra arguments dropped
local function p3(a, b, c) return a, b, c end
print(p3(1), p3(1, 2, 3, 4))
-- closures as arguments
local function apply(fn, ...) return fn(...) end
print(apply(function(p, q) return p * q end, 6, 7))
-- recursion through a global name
function gcount(n) if n == 0 then return 0 end return 1 + gcount(n - 1) end
print(gcount(150))
-- deep non-tail recursion within limits
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
