-- ipairs returns the same iterator each call, pairs the original next (even after 'next' changes)
local a = {}
print(ipairs(a) == ipairs({}), ipairs(a) == ipairs(setmetatable({}, {__index = function() end})))
print(pairs(a) == next, pairs({}) == pairs({}))
local oldnext = next
next = function() return nil end
print(pairs({1}) == oldnext, pairs({1}) == next)
for k, v in pairs({10}) do print(k, v) end
next = nil
for k, v in pairs({10}) do print(k, v) end
next = oldnext
local f = ipairs({})
print(f({5, 6}, 0), f({5, 6}, 1), f({5, 6}, 2))
print(pcall(f))
print(pcall(f, {}))
print(pcall(ipairs))
print(pcall(pairs))
print(pcall(pairs(5)))
print(select('#', pairs(nil)) )
