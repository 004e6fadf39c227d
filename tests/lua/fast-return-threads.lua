-- Inline returns (a Lua function returning to its Lua caller without leaving the
-- interpreter loop) at every depth relative to the loop's entry: inside natives' callbacks,
-- inside coroutines resumed from those callbacks, and through tail calls.
local function leaf(x) return x + 1 end
local function mid(x) return leaf(x) * 2 end
local function tail(x) return mid(x) end

-- A comparator (called by a native, so each call is the entry frame of a nested loop) whose
-- own calls return inline.
local t = {}
for i = 1, 40 do t[i] = (i * 17) % 41 end
table.sort(t, function(a, b) return mid(a) < tail(b) end)
print(t[1], t[2], t[40])

-- A coroutine resumed from inside a comparator: its frames are numbered from 0 in its own
-- thread while the loop that runs them entered deeper in the main thread.
local co = coroutine.wrap(function(x)
  while true do
    x = coroutine.yield(tail(x) + mid(leaf(x)))
  end
end)
local seen = {}
table.sort(t, function(a, b)
  seen[#seen + 1] = co(a)
  return a > b
end)
print(t[1], t[40], #seen > 0, seen[1])

-- Deep recursion through inline calls, returning all the way out.
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(150))

-- Results delivered to open-result callers and to `select`.
local function two(x) return leaf(x), mid(x) end
print(select("#", two(1)), two(2))
print(pcall(function() return tail(3) end))
