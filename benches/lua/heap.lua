-- GC benchmark: builds a heap of n live objects (tables holding a string key, an array part
-- and, for every fourth, a closure) reachable from the returned table.
return function(n)
  local live = {}
  for i = 1, n do
    local obj = { id = i, tags = { i, i * 2 } }
    if i % 4 == 0 then
      obj.get = function()
        return obj.id
      end
    end
    live[i] = obj
  end
  return live
end
