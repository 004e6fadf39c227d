-- Large values: many results and arguments, long strings, big tables, deep coroutine nesting.
local big = {}
for i = 1, 10000 do big[i] = i end
print(select("#", table.unpack(big)), (select(10000, table.unpack(big))))
local function count(...) return select("#", ...) end
print(count(table.unpack(big, 1, 5000)))
local packed = table.pack(table.unpack(big))
print(packed.n, packed[9999])
print(pcall(table.unpack, big, 1, 10000000))
local s = string.rep("abc", 100000)
print(#s, s:sub(-3), #table.concat(big, ","))
print(#string.rep("x", 1000000, ","))
local parts = {}
for i = 1, 10000 do parts[i] = tostring(i) end
print(#table.concat(parts))
-- string.format with huge widths is refused; long %s is fine
print(#string.format("%s", s), pcall(string.format, "%100d", 1))
-- many upvalues and constants
local src = {"local t = {"}
for i = 1, 300 do src[#src + 1] = "'k" .. i .. "'," end
src[#src + 1] = "} return #t, t[300]"
print(load(table.concat(src))())
local consts = {"return 0"}
for i = 1, 1000 do consts[#consts + 1] = " + " .. i .. ".5" end
print(load(table.concat(consts))())
-- 255 upvalues is the limit; 200 locals (including parameters) is the limit
local function upsrc(na, nb)
  local out, refs = {}, {}
  for i = 1, na do out[#out + 1] = "local a" .. i .. " = " .. i refs[#refs + 1] = "a" .. i end
  out[#out + 1] = "return (function()"
  for i = 1, nb do out[#out + 1] = "local b" .. i .. " = " .. i refs[#refs + 1] = "b" .. i end
  out[#out + 1] = "return function() return " .. table.concat(refs, " + ") .. " end end)()()"
  return table.concat(out, "\n")
end
local fu, eu = load(upsrc(150, 105))
print(fu and fu(), eu)
print(load(upsrc(150, 106)))
local params = {}
for i = 1, 201 do params[i] = "p" .. i end
print(load("return function(" .. table.concat(params, ",", 1, 200) .. ") return p200 end")()(table.unpack(big)))
print(load("return function(" .. table.concat(params, ",") .. ") end"))
-- long string keys and many fields
local t = {}
for i = 1, 50000 do t["key" .. i] = i end
local n = 0
for _ in pairs(t) do n = n + 1 end
print(n, t.key50000)
