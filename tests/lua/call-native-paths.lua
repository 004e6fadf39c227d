-- Native calls made straight from the interpreter loop: results, errors, hooks switched on by
-- the native itself, natives in tail position, and upvalue tables still open in a running
-- enclosing function.
local select, type, tostring = select, type, tostring

-- fixed and open result counts
local a, b, c = select(2, "x", "y", "z")
print(a, b, c)
local t = { select(1, 1, 2, 3) }
print(#t, t[1], t[3])
print((select("#", nil, nil)))
local x, y = type(1)
print(x, y)

-- an error raised by a native names the calling line
local ok, err = pcall(function()
  local s = nil
  return string.rep(s, 2)
end)
print(ok, err)
print(pcall(string.sub))

-- a native in tail position, with 0, 1 and several results, from a frame the fast loop made
local function t0() return print() end
local function t1(v) return tostring(v) end
local function t3(...) return select(1, ...) end
local function tfalse() return rawequal(1, 2) end
print(t1(12), t1(nil), tfalse())
print(t3(4, 5, 6))
print(select("#", t0()))
local function deeper(n) if n == 0 then return type(n) end return deeper(n - 1) end
print(deeper(50))

-- a hook set by a native applies from the next instruction on
local lines = {}
local function f()
  debug.sethook(function(_, l) lines[#lines + 1] = l end, "l")
  local z = 1
  z = z + 1
  debug.sethook()
  return z
end
print(f(), #lines)

-- a table in a local of the still-running main chunk, read through an upvalue
local Class = { name = "C" }
local function get() return Class.name end
print(get())
Class = { name = "D" }
print(get())
Class = setmetatable({}, { __index = function(_, k) return k .. "!" end })
print(get())
Class = 42
print(pcall(get))
local co = coroutine.wrap(function() return get() end)
Class = { name = "E" }
print(co())
