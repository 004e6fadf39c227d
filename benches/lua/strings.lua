-- Execute benchmark: string building by table.concat, `..`, string.format and gsub; returns
-- the total length.
return function(n)
  local parts = {}
  for i = 1, n do
    parts[#parts + 1] = string.format("%d:%s", i, i % 2 == 0 and "even" or "odd")
  end
  local joined = table.concat(parts, ",")
  local s = ""
  for i = 1, n // 10 do
    s = s .. tostring(i) .. ";"
  end
  local replaced = joined:gsub("odd", "ODD")
  local words = 0
  for _ in joined:gmatch("[^,]+") do
    words = words + 1
  end
  return #joined + #s + #replaced + words
end
