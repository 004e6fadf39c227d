-- Field reads through `__index` chains of every depth around the interpreter's inline limit,
-- ending in a value, in nothing, or in a function, read by GETFIELD (`o.k`), SELF (`o:k()`),
-- GETTABLE (`o[k]`) and GETTABUP (a global through a chained _ENV).

local function chain(depth, last)
  -- depth tables, each the `__index` of the one before; `last` is the final `__index`.
  local tables = {}
  for i = 1, depth do tables[i] = { ["level" .. i] = i } end
  for i = 1, depth - 1 do setmetatable(tables[i], { __index = tables[i + 1] }) end
  if last ~= nil then setmetatable(tables[depth], { __index = last }) end
  return tables[1]
end

local calls = 0
local function fallback(t, k)
  calls = calls + 1
  return "fn:" .. k
end

for _, depth in ipairs({ 1, 2, 6, 7, 8, 9, 10, 12 }) do
  local o = chain(depth, nil)
  local key = "level" .. depth
  local deep = o[key]
  local field = o.level1
  local missing = o.nothing
  local viaf = chain(depth, fallback)
  local f = viaf.nothing
  local viat = chain(depth, { method = function(self, x) return x + depth end, nothing2 = "end" })
  io.write(depth, " ", tostring(deep), " ", tostring(field), " ", tostring(missing), " ",
    tostring(f), " ", viat:method(1), " ", viat.nothing2, "\n")
end
print("fallback calls", calls)

-- A field that appears at a deeper level after a first read (hint and chain both see it).
local o = chain(9, nil)
local function read(t) return t.late end
print(read(o))
local last = o
for _ = 1, 8 do last = getmetatable(last).__index end
last.late = "found"
print(read(o), read(o))
rawset(o, "late", "own")
print(read(o))

-- A chained _ENV: globals found several levels down.
local env = chain(9, _G)
local g = load("return level9, level1, type(print), missing_global", "chunk", "t", env)
print(g())
