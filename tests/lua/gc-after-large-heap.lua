-- Once a large heap has been freed, the next collections come as often as the live data
-- warrants: a finalizer of garbage runs after a modest amount of new allocation.
local big = {}
for i = 1, 300000 do big[i] = {} end
big = nil
collectgarbage()
local finish = false
local u = setmetatable({}, {__gc = function() finish = true end})
local n = 0
repeat u = {}; n = n + 1 until finish or n > 200000
print(finish, n < 200000)
