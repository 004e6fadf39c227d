-- A tiny benchmark harness module, loaded with require from the test directory.
local M = {}
local results = {}

function M.bench(name, fn, reps)
  local t0 = os.clock()
  local value
  for _ = 1, reps do value = fn() end
  local elapsed = os.clock() - t0
  results[#results + 1] = { name = name, value = value, ok = elapsed >= 0 }
  return value
end

function M.report(out)
  for i, r in ipairs(results) do
    out:write(string.format("%2d %-10s %.0f %s\n", i, r.name, r.value, tostring(r.ok)))
  end
  return #results
end

return M
