-- Long strings (over 40 bytes) are distinct objects when built separately, as in PUC Lua:
-- `%p` tells them apart, while equality, table keys and passing them around see one content.
local function A(s) return string.format("%p", s) end
local s = string.rep("a", 50)
local t = string.rep("a", 50)
print(s == t, A(s) == A(t), A(s) == A(s), rawequal(s, t))
-- an empty operand gives the other string itself
print(A(s .. "") == A(s), A("" .. s) == A(s), A(tostring(s)) == A(s))
local e = ""
print(A(s .. e .. e) == A(s), A(e .. s .. e) == A(s), A(s .. e .. "x") == A(s))
-- gsub returns the subject itself when nothing is replaced
print(A((string.gsub(s, "b", "c"))) == A(s), A((string.gsub(s, ".", {x = "y"}))) == A(s))
print(A((string.gsub(s, ".", function(x) return x end))) == A(s))
print(A((string.gsub(s, ".", function() return nil end))) == A(s))
print(A((string.gsub(s, ".", function() return false end))) == A(s))
print(A((string.gsub(s, ".", {a = false}))) == A(s), A((string.gsub(s, "", ""))) == A(s))
print(select(2, string.gsub(s, ".", {x = "y"})))
-- table keys: one key, and the first key object stays
local k = {}
k[s] = 1
k[t] = 2
print(k[s], k[t], A(next(k)) == A(s), A(next(k)) == A(t))
-- constants: equal long literals of one chunk are one object; another chunk has its own
local x = "01234567890123456789012345678901234567890123456789"
local function f() return "01234567890123456789012345678901234567890123456789" end
local y <const> = "01234567890123456789012345678901234567890123456789"
print(A(x) == A(f()), A(x) == A(y))
print(A(x) == A(load("return '01234567890123456789012345678901234567890123456789'")()))
-- short strings are always shared
print(A(string.rep("a", 10)) == A(string.rep("aa", 5)), A(string.rep("b", 40)) == A(string.rep("bb", 20)))
-- new objects from the library
print(A(s:sub(1)) == A(s), A(s:sub(1, -1)) == A(s), A(string.format("%s", s)) == A(s))
print(A(table.concat({s})) == A(s), A(s:upper():lower()) == A(s), A(string.rep(s, 1)) == A(s))
print(A(s:match("(.*)")) == A(s), A(s:match(".*")) == A(s))
-- values passed around keep their identity
print(A(select(1, s)) == A(s), A(rawget({s}, 1)) == A(s), A(({s})[1]) == A(s))
local co = coroutine.wrap(function(a) return coroutine.yield(a) end)
print(A(co(s)) == A(s), A(co(t)) == A(t))
print(A(pcall(error, s) and s or select(2, pcall(error, s))) == A(s))
