-- GC benchmark: allocates n short-lived tables and closures and drops them at once, so the
-- collector runs whenever the allocation debt says so. Returns a checksum.
return function(n)
  local sum = 0
  for i = 1, n do
    local t = { i, i + 1, name = "x" }
    local f = function()
      return t[1] + t[2]
    end
    sum = sum + f()
  end
  return sum
end
