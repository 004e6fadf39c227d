-- string.find tries the starting position first, then scans: results, captures, errors and
-- empty matches must be the same wherever the match is.
local s = "  key = value;\t"
print(s:find("[^ \t]"), s:find("[^ \t]", 3), s:find("[^ \t]", 6))
print(s:find("%a+"), s:find("%a+", 4), s:find("%a+", 7))
print(s:find("(%a+)%s*=%s*(%a+)"), s:find("(%a+)%s*=%s*(%a+)", 4))
print(s:find(";"), s:find("[;]", 14), s:find("[;]", 15))
print(s:find(""), s:find("", #s), s:find("", #s + 1), s:find("", #s + 2))
print(s:find("x*"), s:find("x*", 5), s:find("()", 4))
print(s:find("$"), s:find("%s*$"), s:find("%s*$", 14))
print(s:find("[^%s]", -1), s:find("[^%s]", -3), s:find("%w", -100))
print(("aaa"):find("a-b"), ("aaab"):find("a-b"), ("aaab"):find("a-b", 2))
print(("abc"):find("[b-c]+"), ("abc"):find(".", 4), ("abc"):find("%f[%w]%w+", 2))
-- A pattern whose first item refuses the starting byte raises no error there; where the
-- item accepts a byte, the malformed rest does.
print(pcall(string.find, "  x", "[x]%"))
print(pcall(string.find, "  y", "[x]%"))
print(pcall(string.find, "x", "[x]%", 1))
print(pcall(string.match, "ab", "(%a)(%a)%1", 1))
print(string.match("  key=1", "(%w+)=(%d)"), string.match("  key=1", "()%w"))
