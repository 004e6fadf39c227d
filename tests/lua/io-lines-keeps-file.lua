-- The iterator of file:lines() keeps its file alive: a loop over a file nobody else refers to
-- keeps reading while collections run (the file's finalizer would close it).
local name = os.tmpname()
local f = assert(io.open(name, "w"))
for i = 1, 40 do f:write("line ", i, "\n") end
f:close()
local n, last = 0, nil
for l in assert(io.open(name)):lines() do
  n = n + 1
  last = l
  collectgarbage()
  local junk = {}
  for j = 1, 200 do junk[j] = {j} end
end
print(n, last)
for a, b in assert(io.open(name)):lines(1, "n") do
  n = n + 1
  collectgarbage()
  if n > 45 then break end
end
print(n)
for l in io.lines(name, "L") do n = n + #l; collectgarbage() end
print(n)
os.remove(name)
