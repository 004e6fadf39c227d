-- Guest input that PUC Lua handles differently (or crashes on) must end in a clean error in
-- Tape: huge nesting, runaway recursion (long `+` chains run, as in PUC). The VM stays usable.
local function try(what, src)
  local f, err = load(src)
  if f then
    local ok, e = pcall(f)
    print(what, "ran", ok, ok and "" or e)
  else
    print(what, "load error", err)
  end
end

try("parens 100k", "return " .. string.rep("(", 100000) .. "1" .. string.rep(")", 100000))
try("concat 100k", "local a = 'x' return " .. string.rep("a .. ", 100000) .. "a")
try("plus 100k", "local a = 1 return " .. string.rep("a + ", 100000) .. "a")
try("tables 100k", "return " .. string.rep("{", 100000) .. string.rep("}", 100000))
try("do 100k", string.rep("do ", 100000) .. string.rep("end ", 100000))
try("plus 900", "local a = 1 return " .. string.rep("a + ", 900) .. "a")

local function down(n) return 1 + down(n + 1) end
local ok, err = pcall(down, 1)
print("recursion", ok, err)

local function tail(n) if n == 0 then return "done" end return tail(n - 1) end
print("tail calls", tail(3000000))

local mt = {}
mt.__index = function(t, k) return t[k] end
ok, err = pcall(function() return setmetatable({}, mt).x end)
print("__index recursion", ok, err)

print("still alive", 1 + 1)
