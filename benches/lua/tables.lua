-- Execute benchmark: a table and loop kernel. Fills an array and a record-keyed table, then
-- reads them back through numeric for, ipairs and pairs; returns a checksum.
return function(n)
  local arr, map = {}, {}
  for i = 1, n do
    arr[i] = i * 3 % 17
  end
  for i = 1, n do
    map["k" .. (i % 64)] = (map["k" .. (i % 64)] or 0) + arr[i]
  end
  local sum = 0
  for i = 1, #arr do
    sum = sum + arr[i]
  end
  for _, v in ipairs(arr) do
    sum = sum + v
  end
  for _, v in pairs(map) do
    sum = sum + v
  end
  local points = {}
  for i = 1, n // 4 do
    points[i] = { x = i, y = -i }
  end
  for i = 1, #points do
    local p = points[i]
    sum = sum + p.x + p.y
  end
  return sum
end
