-- collectgarbage options, their parameters and results as lua5.4 reports them
-- (the reference CLI starts in generational mode).
print(math.type(collectgarbage("count")), select("#", collectgarbage("count")))
print(collectgarbage("collect"), collectgarbage(), select("#", collectgarbage()))
print(collectgarbage("isrunning"))
-- a step in generational mode never reports the end of a cycle
print(collectgarbage("step"), collectgarbage("step", 0), collectgarbage("step", 100000))
print(collectgarbage("step", -5))
print(collectgarbage("stop"), collectgarbage("isrunning"))
print(collectgarbage("step", 100000), collectgarbage("isrunning"))
print(collectgarbage("restart"), collectgarbage("isrunning"))
-- mode switches return the previous mode; nonzero parameters are stored
print(collectgarbage("incremental", 100, 200, 10))
print(collectgarbage("setpause", 150), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 300), collectgarbage("setstepmul", 100))
print(collectgarbage("incremental", 0, 0, 0), collectgarbage("setpause", 200))
print(collectgarbage("incremental", -4, 2^33 + 12))
print(collectgarbage("setpause", 200), collectgarbage("setstepmul", 100))
-- in incremental mode a large step completes a cycle, even while stopped
print(collectgarbage("step", 100000), collectgarbage("step", -5))
collectgarbage("stop")
print(collectgarbage("step", 100000), collectgarbage("isrunning"))
collectgarbage("restart")
print(collectgarbage("generational", 20, 100))
print(collectgarbage("generational"), collectgarbage("incremental"))
-- parameters are C ints, stored divided by 4 in a byte
print(collectgarbage("setpause", 2^32 + 400), collectgarbage("setpause", -2^31))
print(collectgarbage("setpause"), collectgarbage("setpause", 200))
print(collectgarbage("setpause", 1000), collectgarbage("setpause", 200))
-- argument errors
print(pcall(collectgarbage, "foo"))
print(pcall(collectgarbage, 1))
print(pcall(collectgarbage, "step", "x"))
print(pcall(collectgarbage, "incremental", "x"))
print(pcall(collectgarbage, "incremental", 1, 2, 3.5))
print(pcall(collectgarbage, "generational", 1.5))
print(pcall(collectgarbage, "setpause", "a"))
