-- string.dump and loading binary chunks; modes; stripped debug info.
local function add(a, b) return a + b end
local bin = string.dump(add)
print(type(bin), bin:byte(1) == 27)
local f = load(bin)
print(f(2, 3))
print(load(bin, "bin", "t"))
print(load(bin, "bin", "b") ~= nil, load(bin, "bin", "bt") ~= nil)
-- upvalues are fresh (nil) after loading except the first, which becomes _ENV
local up = 10
local function useup() return up end
local g = load(string.dump(useup))
print(pcall(g) and type(g()))
local function useglobal() return type(print) end
print(load(string.dump(useglobal))())
-- stripped chunks lose line info
local function err() error("stripped?") end
print(pcall(load(string.dump(err))))
print(pcall(load(string.dump(err, true))))
-- truncated or corrupted binary chunks are rejected (message text is format-specific)
local function rejected(s) local fn, msg = load(s) return fn == nil and type(msg) end
print(rejected(bin:sub(1, 10)), rejected(bin:sub(1, #bin - 3)), rejected("\27Lua\84\0garbage"), rejected("\27"))
print(pcall(string.dump, print))
-- dump and reload a function with nested closures and constants
local function outer(n)
  local function inner(x) return x * n, "const", 2.5, 1 << 40 end
  return inner(n)
end
print(load(string.dump(outer))(7))
