-- load: strings, reader functions, chunk names, modes, environments.
local f = load("return 1 + 1")
print(f())
print(load("syntax error here"))
print(load("return ...", "=args")(7, 8))
-- custom environment
local env = {x = 5}
local g = load("y = x * 2 return y", "envchunk", "t", env)
print(g(), env.y, y)
-- env nil means the chunk's _ENV upvalue is nil
local h = load("return x", "nilenv", "t", nil)
print(pcall(h))
-- reader functions: pieces concatenated until nil or empty string
local parts = {"return ", "'from", " reader'", nil}
local i = 0
print(load(function() i = i + 1 return parts[i] end)())
local once = false
print(load(function() if once then return "" end once = true return "return 'empty ends'" end)())
-- reader returning a non-string
print(pcall(load, function() return true end))
print(pcall(load, function() return {} end))
-- reader erroring
print(pcall(load, function() error("reader failed") end))
print(pcall(load, function() error("reader failed 2", 0) end))
-- chunk names in error messages
print(pcall(load("error('e')", "=custom")))
print(pcall(load("error('e')", "@path/to/file.lua")))
print(pcall(load("\n\nerror('line 3')", "chunk text")))
print(pcall(load("local t = nil; return t.x")))
-- text mode rejects binary chunks and binary mode rejects text
print(load("return 1", "t-only", "t") ~= nil)
print(load("return 1", "b-only", "b"))
print(load("\27Lua", "bin", "t"))
print(pcall(load, "return 1", "x", "q"))
-- load arguments
print(pcall(load))
print(pcall(load, 42))
print(load("error('x')", 5 + 0.5) ~= nil, pcall(load("error('x')", 5)))
-- a chunk is a vararg function; locals are fresh per call
local counter = load("local n = (n or 0) + 1 count = (count or 0) + 1 return n, count")
print(counter()) print(counter())
-- the environment can be a table with a metatable
local menv = setmetatable({}, {__index = function(_, k) return "env:" .. k end})
print(load("return anything, other", "m", "t", menv)())
-- load compiles functions that can be called many times
local sq = load("local v = ... return v * v")
print(sq(3), sq(4.5), pcall(sq, {}))
print(load("local a = 1 return a")())
-- empty chunk
print(load("")(), select("#", load("")()))
print(load("-- only a comment")())
print(load("#!shebang is not skipped by load"))
