-- Ends in an uncaught error propagated out of coroutine.wrap.
local gen = coroutine.wrap(function()
  coroutine.yield(1)
  error("generator broke")
end)
print(gen())
print(gen())
