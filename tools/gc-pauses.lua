-- Collector pause benchmark: builds a large live heap (about 1 GB in Tape with the default
-- size), then runs a workload that allocates short-lived objects and stores new objects into
-- the old structure, so incremental cycles run while the program mutates the heap.
--   tape --gc-stats tools/gc-pauses.lua [N]      (N small tables kept alive; default 9e6)
local N = math.tointeger(tonumber(arg and arg[1]) or 9e6)
-- The CLI starts in generational mode, whose collections are atomic (as PUC's): the pauses
-- measured here are the incremental collector's.
collectgarbage("incremental")
local live = {}
for i = 1, N do live[i] = {i, i * 2} end
local t0 = os.clock()
local sum, rounds = 0, 0
for r = 1, 3e7 do
  local j = (r * 7919) % N + 1
  local o = live[j]
  if r % 8 == 0 then
    live[j] = {o[1], o[2] + 1}          -- replace an old object: the old one becomes garbage
  else
    local tmp = {r, tostring(r % 1000)} -- short-lived garbage
    sum = sum + #tmp[2]
  end
  rounds = r
end
local s = 0
for i = 1, N, 1000 do s = s + live[i][2] end
print(N, rounds, sum, s, string.format("%.1f s", os.clock() - t0))
