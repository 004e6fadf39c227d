-- Arithmetic and bitwise metamethods, with operand order and fallbacks.
local function nm(x) if type(x) == "table" then return x.name else return tostring(x) end end
local function mk(name)
  return setmetatable({name = name}, {
    __add = function(a, b) return "add(" .. nm(a) .. "," .. nm(b) .. ")" end,
    __sub = function(a, b) return "sub" end,
    __mul = function(a, b) return "mul" end,
    __div = function(a, b) return "div" end,
    __mod = function(a, b) return "mod" end,
    __pow = function(a, b) return "pow" end,
    __unm = function(a, b) return "unm(" .. tostring(rawequal(a, b)) .. ")" end,
    __idiv = function(a, b) return "idiv" end,
    __band = function(a, b) return "band" end,
    __bor = function(a, b) return "bor" end,
    __bxor = function(a, b) return "bxor" end,
    __shl = function(a, b) return "shl" end,
    __shr = function(a, b) return "shr" end,
    __bnot = function(a, b) return "bnot(" .. tostring(rawequal(a, b)) .. ")" end,
  })
end
local A, B = mk("A"), mk("B")
print(A + B, A + 1, 1 + A, "s" + A, A + "s")
print(A - 1, A * 1, A / 1, A % 1, A ^ 1, A // 1, -A)
print(A & 1, 1 | A, A ~ A, A << 1, 1 >> A, ~A)
-- left operand's metamethod is tried first, then the right's
local L = setmetatable({}, {__add = function() return "left" end})
local R = setmetatable({}, {__add = function() return "right" end})
print(L + R, R + L, 1 + R, L + nil)
-- bitwise metamethods fire for floats without integer representation and strings
local F = setmetatable({}, {__band = function(a, b) return "F band" end, __shl = function(a, b) return "F shl" end})
print(1.5 & F, F & 1.5, "x" & F, F << "y")
-- metamethods get both operands in original order
local O = setmetatable({}, {__sub = function(a, b) return type(a) .. "-" .. type(b) end, __concat = function(a, b) return type(a) .. ".." .. type(b) end})
print(O - 1, 1 - O, O .. "s", "s" .. O, 1 .. O, O .. O)
-- only the first return value is used; nil results are fine
local M = setmetatable({}, {__add = function() return 1, 2, 3 end, __mul = function() end})
print(M + M, M * M)
-- metamethods can come from __index? no: looked up raw in the metatable
local P = setmetatable({}, setmetatable({}, {__index = function() return function() return "via index" end end}))
print(pcall(function() return P + 1 end))
-- __unm and __bnot receive the operand twice
print(-B, ~B)
-- errors name the operand when no metamethod exists
local plain = {}
print(pcall(function() return plain + 1 end))
print(pcall(function() return 1 - plain end))
print(pcall(function() return -plain end))
print(pcall(function() return plain // plain end))
print(pcall(function() return plain.field * 2 end))
print(pcall(function() local u = nil return u ^ 2 end))
print(pcall(function() return 2 % nil end))
