-- <const> and <close> local attributes.
local k <const> = 10
local s <const> = "str"
print(k * 2, s .. "!")
local function usesconst() return k + 1 end
print(usesconst())
local function L(src) local f, e = load(src) if f then print("ok", f()) else print(e) end end
L("local x <const> = 1; x = 2")
L("local x <const> = 1; local function f() x = 3 end")
L("local a, b <const> = 1, 2; a = 5; return a")
L("local a, b <const> = 1, 2; b = 5")
L("local c <close> = nil; c = 1")
L("local x <const>, y <close> = 1, nil")
L("local x <close>, y <close> = nil, nil")
L("local x <CONST> = 1")
-- close order on normal block exit: reverse declaration order
local function closer(name)
  return setmetatable({}, {__close = function(self, err) print("close", name, err) end})
end
do
  local a <close> = closer("a")
  local b <close> = closer("b")
  local n <close> = nil
  local f <close> = false
  print("in block")
end
-- close on break
for i = 1, 3 do
  local c <close> = closer("loop" .. i)
  if i == 2 then break end
end
-- close on return, after return values are computed
local function ret()
  local r <close> = closer("ret")
  return "returned"
end
print(ret())
-- close on error: receives the error object; error propagates
local ok, err = pcall(function()
  local e1 <close> = closer("e1")
  local e2 <close> = closer("e2")
  error("boom", 0)
end)
print(ok, err)
-- error inside __close replaces the error
local ok2, err2 = pcall(function()
  local x <close> = setmetatable({}, {__close = function() error("close failed", 0) end})
  local y <close> = closer("y")
  error("original", 0)
end)
print(ok2, err2)
-- non-closable value
print(pcall(function() local bad <close> = {} end))
print(pcall(function() local bad <close> = 42 end))
-- goto out of a block closes it
do
  local i = 0
  ::again::
  do
    local g <close> = closer("goto" .. i)
    i = i + 1
    if i < 2 then goto again end
  end
end
-- closing in a nested function call chain
local function inner() local ic <close> = closer("inner") return 1 end
local function outer() local oc <close> = closer("outer") return inner() + 1 end
print(outer())
-- const folding of integer and float constants
local big <const> = 9223372036854775807
print(big + 1, big // 1)
local fc <const> = 2.5
print(fc * 2, -fc)
