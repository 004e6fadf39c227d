-- Training workload for the PGO profile (tools/pgo/pgo.py): string building, formatting,
-- patterns, conversion.
local n = tonumber(arg and arg[1]) or 20000

local parts = {}
for i = 1, n do
  parts[#parts + 1] = string.format("%d:%s:%.2f", i, ("x"):rep(i % 5), i / 7)
end
local text = table.concat(parts, " ")
local words, nums = 0, 0
for w in text:gmatch("%S+") do words = words + 1 end
for d in text:gmatch("%d+") do nums = nums + tonumber(d) end
local replaced, count = text:gsub("x+", function(m) return #m end)
local s = ""
for i = 1, 2000 do s = s .. i .. "," end
local found = 0
local pos = 1
while true do
  local a, b = s:find(",", pos, true)
  if not a then break end
  found = found + 1
  pos = b + 1
end
local up, low = 0, 0
for i = 1, n do
  local str = "Item" .. i
  up = up + #str:upper()
  low = low + str:lower():byte(1)
  local k, v = str:match("^(%a+)(%d+)$")
  if k and tonumber(v) == i then found = found + 1 end
end
local chars = {}
for i = 1, 5000 do chars[i] = string.char(65 + i % 26) end
local joined = table.concat(chars)
local rev = joined:reverse():sub(10, 20)
local eq = 0
for i = 1, n do if ("a" .. i) == ("a" .. (i - 1 + 1)) then eq = eq + 1 end end
local cmp = 0
for i = 1, n // 2 do if tostring(i) < tostring(i + 1) then cmp = cmp + 1 end end
print(words, nums, count, #replaced, found, up, low, rev, eq, cmp, ("%5.1f|%-5s|%x"):format(3.14159, "ab", 255))
