-- An error no pcall catches reaches the standalone interpreter's message handler first, where
-- it was raised: the to-be-closed variables closed on the way out receive the message with its
-- traceback, as lua5.4's do. (Inside pcall they get the bare message.)
local function closer(name)
  return setmetatable({}, {__close = function(_, e) print("close", name, e) end})
end
print(pcall(function()
  local a <close> = closer("inner")
  error("caught")
end))
local co = coroutine.wrap(function()
  local c <close> = closer("coroutine")
  error("in coroutine", 0)
end)
print(pcall(co))
local function deep(n)
  local d <close> = closer("deep" .. n)
  if n == 0 then
    local t = nil
    return t.x
  end
  return (deep(n - 1))
end
do
  local b <close> = closer("outer")
  deep(2)
end
