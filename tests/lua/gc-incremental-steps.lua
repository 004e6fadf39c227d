-- collectgarbage("step") runs incremental steps: repeated steps end a cycle and collect the
-- garbage while the live data stays intact; "incremental" and "generational" report the
-- previous mode. (The standalone interpreter starts in generational mode, as lua.c does.)
print(collectgarbage("incremental"))
local t = {}
for i = 1, 200000 do t[i] = {i} end
collectgarbage()
local c0 = collectgarbage("count")
for i = 1, 200000, 2 do t[i] = nil end
local k = 0
repeat k = k + 1 until collectgarbage("step", 0) or k == 100000
print("a cycle ended", k < 100000)
k = 0
repeat k = k + 1 until collectgarbage("step", 0) or k == 100000
print("another cycle ended", k < 100000)
print("garbage collected", collectgarbage("count") < c0 * 0.8)
local s = 0
for i = 2, 200000, 2 do s = s + t[i][1] end
print(s)
-- a step while the collector is stopped still works; objects made between steps survive
collectgarbage("stop")
local made = {}
for r = 1, 50 do
  made[r] = {r, tostring(r) .. "!"}
  collectgarbage("step", 1)
end
collectgarbage("restart")
s = 0
for r = 1, 50 do s = s + made[r][1] + #made[r][2] end
print(s)
-- in generational mode a step is a young collection: young garbage goes at once
print(collectgarbage("generational"))
local weak = setmetatable({}, {__mode = "kv"})
collectgarbage()
weak[1] = {10}
collectgarbage("step", 0)
print("young garbage collected by one step", weak[1] == nil)
print(collectgarbage("incremental", 150, 300, 12))
print(collectgarbage("generational", 30, 80))
print(collectgarbage("generational"))
print(collectgarbage("incremental"))
print(collectgarbage("isrunning"), collectgarbage("stop"), collectgarbage("isrunning"))
print(collectgarbage("restart"), collectgarbage("isrunning"))
