-- A benchmark-style program: loads its harness with require from the current directory,
-- times with os.clock, and prints through io.stdout:write and string.format('%.0f').
local harness = require("modules.benchlib")
assert(package.loaded["modules.benchlib"] == harness)
print(select(2, require("modules.benchlib")))

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
harness.bench("fib", function() return fib(15) end, 3)
harness.bench("sum", function()
  local s = 0.0
  for i = 1, 1000 do s = s + i / 2 end
  return s
end, 2)
harness.bench("concat", function()
  local t = {}
  for i = 1, 100 do t[#t + 1] = i end
  return #table.concat(t, ",")
end, 2)
local n = harness.report(io.stdout)
io.stdout:write(string.format("%.0f benchmarks, %.0f%%\n", n, 100 * n / 3))
local t = os.clock()
io.stdout:write(type(t), " ", tostring(t >= 0), "\n")
