-- Binary chunks from string.dump go back through load, loadfile and dofile (detected by their
-- first byte), with and without debug info, and damaged ones are refused with an error.
local up = 10
local function f(a, ...)
  local t = {a, ...}
  return #t, up, select('#', ...)
end
local bin = string.dump(f)
print(type(bin), bin:byte(1) == 27, bin:sub(2, 4))
local g = assert(load(bin))
print(pcall(g, 1, 2, 3))          -- upvalue 'up' is fresh: nil (not 10)
local s = string.dump(f, true)
print(#s < #bin)
local h = assert(load(s, "stripped", "b"))
print(pcall(h, 5))                -- stripped: no names, no lines
print(load(bin, "x", "t"))
print(load("return 1", "x", "b"))
-- Errors inside a stripped function have no line information.
local e = string.dump(function() local x = nil; return x.y end, true)
print(pcall(load(e)))
print(pcall(load(string.dump(function() return undefinedglobal.x end, true))))
print(pcall(load(string.dump(function() return undefinedglobal.x end))))
-- Damaged chunks: truncated, or not a chunk at all after the signature.
print(load(bin:sub(1, 20)))
print(load("\27Lux"))
-- Files: dofile and loadfile read binary chunks too.
local name = os.tmpname()
local fh = assert(io.open(name, "wb"))
fh:write(string.dump(function(...) return "from file", ... end))
fh:close()
print(dofile(name))
print(assert(loadfile(name))("arg"))
print(loadfile(name, "t"))
os.remove(name)
-- A dumped function with several upvalues: the first becomes the environment.
local a, b = 1, 2
local function two() return a, b end
local k = load(string.dump(two))
local ka, kb = k()
print(type(ka), kb)
