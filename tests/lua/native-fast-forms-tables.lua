-- getmetatable, rawget, rawlen, select('#') and table.insert(t, v) through their fast forms.
local mt = {__index = {k = 1}}
local t = setmetatable({}, mt)
print(getmetatable(t) == mt, getmetatable({}), getmetatable("x").__index == string, getmetatable(1))
local locked = setmetatable({}, {__metatable = "no"})
print(getmetatable(locked), getmetatable(locked))
local m3 = {}
local t3 = setmetatable({}, m3)
print(getmetatable(t3) == m3)
m3.__metatable = 42
print(getmetatable(t3), pcall(getmetatable))
print(rawget(t, "k"), t.k, rawget({10, 20}, 2), rawget({[2.0] = "two"}, 2), rawget({}, nil), rawget({[1] = 1}, 1.0))
print(pcall(rawget, t), pcall(rawget, "s", 1), pcall(rawget, nil, 1))
print(rawlen({1, 2, 3}), rawlen("abcd"), rawlen(setmetatable({1}, {__len = function() return 9 end})), pcall(rawlen, 5))
print(select('#'), select('#', nil, nil), select('#x', 1, 2, 3), select(2, "a", "b", "c"), select(-1, "a", "b"))
print(pcall(select, "x", 1))
local function count(...) return select('#', ...) end
print(count(), count(nil), count(1, nil, 3))
local list = {}
for i = 1, 10 do table.insert(list, i * i) end
table.insert(list, nil)
print(#list, list[10], select('#', table.insert(list, 0)), #list)
local r = {table.insert(list, 5)}
print(#r, #list, list[#list])
local function ins(l, v) return table.insert(l, v) end
print(select('#', ins(list, 7)), list[#list], ins(list, 8))
local prox = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end})
table.insert(prox, 21)
print(prox[1])
local lenmt = setmetatable({}, {__len = function() return 5 end})
table.insert(lenmt, "x")
print(rawget(lenmt, 6), rawlen(lenmt))
print(pcall(table.insert, nil, 1), pcall(table.insert, {}, 1, 2, 3), pcall(table.insert, {}))
table.insert(list, 1, "first")
print(list[1], list[2], #list)
print(select(2, "a", "b"), select(-1, "x", "y", "z"), select(3, 1, 2), select(1, "only"), select(-1, "one"))
print(pcall(select, -2, "a"), pcall(select, 0, "a"), select('#', select(2, 1, 2, 3)), select('#', select(-1, 1, 2)))
local co = coroutine.wrap(function(x) while true do x = coroutine.yield(x * 2) end end)
local last
for i = 1, 5 do last = select(2, true, co(i)) end
print(last)
