-- Allocation churn: many short-lived tables, strings and closures; cycles are collected.
local keep
for i = 1, 200000 do
  local t = {i, i + 1, name = "n"}
  keep = t
end
print(keep[1], keep.name)
local s
for i = 1, 100000 do s = "str" .. i end
print(s)
local f
for i = 1, 100000 do local v = i f = function() return v end end
print(f())
-- cyclic structures
for i = 1, 20000 do
  local a, b = {}, {}
  a.other, b.other = b, a
  a.self = a
end
local ring = {}
local node = ring
for i = 1, 1000 do node.next = {id = i} node = node.next end
node.next = ring
local count, cur = 0, ring.next
while cur ~= ring do count = count + 1 cur = cur.next end
print("ring", count)
ring = nil
-- tables with metatables referring back to themselves
for i = 1, 10000 do
  local mt = {}
  mt.__index = mt
  local o = setmetatable({}, mt)
  mt.owner = o
end
collectgarbage()
collectgarbage()
print(type(collectgarbage("count")), collectgarbage("count") < 1024 * 10)
-- memory does not grow without bound across repeated churn
local before = collectgarbage("count")
for round = 1, 5 do
  local junk = {}
  for i = 1, 10000 do junk[i] = {i} end
end
collectgarbage()
print(collectgarbage("count") < before + 512)
-- closures capturing a cycle through upvalues
for i = 1, 10000 do
  local self
  self = function() return self end
end
collectgarbage()
print("done")
