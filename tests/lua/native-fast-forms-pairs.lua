-- pairs and ipairs through their fast forms: results, counts, __pairs, odd arguments.
local t = {10, 20, 30, x = 1}
local n = 0
for i, v in ipairs(t) do n = n + i * v end
for k, v in pairs(t) do n = n + v end
print(n)
print(select('#', ipairs(t)), select('#', pairs(t)), select(3, ipairs(t)), select(3, pairs(t)))
local a, b, c, d = ipairs(t)
print(a == select(1, ipairs({})), b == t, c, d)
local p1, p2 = pairs(t)
print(p1 == next, p2 == t)
local seen = {}
local prox = setmetatable({}, {__pairs = function(self) return function(_, k) if not k then return 1, "one" end end, self, nil end})
for k, v in pairs(prox) do seen[#seen + 1] = k .. "=" .. v end
print(table.concat(seen, ","))
print(pcall(pairs), pcall(ipairs))
print(pcall(function() for k in pairs(nil) do end end))
print(pcall(function() for i in ipairs(nil) do end end))
print(pcall(function() for k in pairs("abc") do end end))
local mt = {}
local w = setmetatable({5, 6}, mt)
for i, v in ipairs(w) do io.write(i, ":", v, " ") end print()
mt.__pairs = function(s) return next, {7}, nil end
for k, v in pairs(w) do io.write(k, ":", v, " ") end print()
local function tp(x) return pairs(x) end
local f1, s1, c1 = tp(t)
print(f1 == next, s1 == t, c1)
local x, y = math.floor(2.5)
print(x, y, (ipairs(t)) == (ipairs(w)))
