-- A coroutine started by a wrap function and later resumed with coroutine.resume (and the
-- other way round) gets each resume's convention: `true` first for resume, none for wrap.
local th
local gen = coroutine.wrap(function(a)
  th = coroutine.running()
  local b = coroutine.yield(a + 1)
  local c, d = coroutine.yield(b * 2, "two")
  return c + d, "done"
end)
print(gen(10))
print(coroutine.resume(th, 7))
print(coroutine.resume(th, 1, 2))
print(coroutine.resume(th))
print(coroutine.status(th))

local co = coroutine.create(function(...)
  local n = select("#", ...)
  local x = coroutine.yield(n, ...)
  local y = coroutine.yield()
  return x, y
end)
print(coroutine.resume(co, "a", nil, "c"))
-- A wrap function over the running-thread handle is not possible, so alternate resumes of
-- nested generators instead: each level delivers to its own resumer.
local outer = coroutine.wrap(function()
  local inner = coroutine.create(function() coroutine.yield("in1") coroutine.yield("in2") end)
  while true do
    local ok, v = coroutine.resume(inner)
    if not v then break end
    coroutine.yield(ok, v)
  end
  return "end"
end)
print(outer()) print(outer()) print(outer())
print(coroutine.resume(co, "x"))
print(coroutine.resume(co, "y"))
print(coroutine.resume(co))
print(select("#", coroutine.wrap(function() coroutine.yield() end)()))
print(select(2, pcall(coroutine.wrap(function() error({code = 1}) end))).code)
