-- Host API benchmark: calls the Rust function `radd` (set as a global by the host) n times.
return function(n)
  local s = 0
  for i = 1, n do
    s = radd(s, i)
  end
  return s
end
