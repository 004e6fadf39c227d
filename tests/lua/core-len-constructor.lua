-- A constructor stores all its items in the array part (sized once, as PUC's SETLIST),
-- so # of a constructor with nil items is the border lua5.4 gives.
local function mr(a, ...) return a, a + 1, select('#', ...), ... end
print(#({0, mr(1, true, nil, 1)}), #{mr(0, nil, 1)}, #{1, nil, 3}, #{nil, nil, 3}, #{1, 2, nil})
print(#{n = 1, 1, nil, 3}, #{[4] = 4, 1, nil, 3}, #{[2] = 2, 1, nil, 3})
local t = {1, nil, 3}; t[5] = 5; print(#t)
local u = {...}; print(#u, #{nil, nil}, #{nil})
print(#table.pack(1, nil, 3), #table.pack(nil, nil), select('#', table.unpack({1, nil, 3})))
local big = {} for i = 1, 100 do big[i] = i end big[50] = nil print(#big)
