-- Pattern classes, sets, quantifiers, %b, %f; malformed pattern errors.
local all = ""
for i = 0, 127 do all = all .. string.char(i) end
local function count(class) local _, n = string.gsub(all, class, "") return n end
for _, c in ipairs({"%a", "%c", "%d", "%g", "%l", "%p", "%s", "%u", "%w", "%x", "%A", "%D", "%S", "."}) do
  io.write(c, "=", count(c), " ")
end
print()
print(count("[%a%d]"), count("[^%a%d]"), count("[a-f]"), count("[^a-f]"), count("[%-]"), count("[a%-z]"), count("[]]"), count("[^]]"))
print(string.find("abc123", "[0-9]+"), string.find("x-y", "[-]"), string.find("x]y", "[]]"), string.find("x^y", "[%^]"), string.find("x^y", "[a^]"))
print(string.match("aaa", "a-b"), string.match("aaab", "a-b"), string.match("aaa", "a*"), string.match("", "a*"), string.match("b", "a+"))
print(string.match("f(a(b)c)d", "%b()"), string.match("x<<y>>z", "%b<>"), string.match("((", "%b()"), string.match("abc", "%bac"))
print(string.gsub("THE (quick) brown fox", "%f[%a]%a+", "W"))
print(string.gsub("hello world", "%f[%w]%w", string.upper))
print(string.find("foo bar", "%f[%z]"), string.find("abc", "%f[%l]"), string.find("ABC", "%f[%L]"))
print(string.match("  x", "^%s*()"), string.match("abc", ".-$"), string.match("abc", "^.-b"))
print(string.match("[[x]]", "^%[(=*)%["), string.match("a.b", "^(.-)%.(.*)$"))
local bad = {"[a", "[^", "%", "(", "%b", "%bx", "%f", "%fx", "(()", "[%", "a%", "%g(", "a)", ")", string.rep("(", 32) .. "x" .. string.rep(")", 32), string.rep("(", 33) .. "x" .. string.rep(")", 33)}
for _, p in ipairs(bad) do print(#p, p, pcall(string.find, "abc)", p)) end
print(pcall(string.rep, "x", -1), string.rep("ab", 3, ","), string.rep("x", 0), string.rep("", 5))
