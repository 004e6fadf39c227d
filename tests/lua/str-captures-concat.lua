-- Captures of every count through find/match/gmatch/gsub (a function or table replacement
-- gets them all), and table.concat's pieces: strings, numbers, separators, ranges, errors.
local s = "k1=v1; key2=value2; x=y"
for _, p in ipairs{"%w+=%w+", "(%w+)=", "(%w+)=(%w+)", "((%w+)=(%w+))", "(()%w+)=(%w+)()"} do
  print(p, s:find(p))
  print(p, s:match(p))
  for a, b, c, d in s:gmatch(p) do io.write(tostring(a), "|", tostring(b), "|", tostring(c), "|", tostring(d), " ") end
  print()
  print(p, s:gsub(p, function(...) return "<" .. select("#", ...) .. ":" .. table.concat({...}, ",") .. ">" end))
  print(p, s:gsub(p, {k1 = "K", key2 = false, ["x=y"] = 7}))
  print(p, s:gsub(p, "[%0|%1]"))
end
print(("abc"):gsub("(a)(b)(c)", "%3%2%1"))
print(("abcdef"):find("(a)(b)(c)(d)(e)(f)"))
print(pcall(string.gsub, "abc", "(a)(b)(c)", "%4"))

local parts = {}
for i = 1, 100 do parts[i] = (i % 3 == 0) and i or (i % 3 == 1) and ("s" .. i) or i / 4 end
local all = table.concat(parts, ", ")
print(#all, all:sub(1, 60), all:sub(-40))
print(table.concat(parts, "", 5, 9), table.concat(parts, "--", 99), table.concat(parts, "x", 3, 2))
print(table.concat({}, "x"), table.concat({"only"}, "x"), table.concat({1, 2.5, "z"}))
local big = {}
for i = 1, 2000 do big[i] = string.rep(string.char(65 + i % 26), i % 50) end
local joined = table.concat(big, "/")
print(#joined, joined:sub(1000, 1040))
local huge = string.rep("ab", 300000)
print(#table.concat({huge, "-", huge}), #table.concat({huge, huge}, huge))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2, 3}, ",", 1, 4))
print(pcall(table.concat, setmetatable({}, {__index = function(_, i) return "i" .. i end}), "", 1, 3))
