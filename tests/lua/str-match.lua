-- string.match and string.gmatch: captures, position captures, anchors.
print(string.match("hello 123 world", "%d+"), string.match("hello", "(h)(e)(l)"), string.match("hello", "xyz"))
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
print(string.match("  trim me  ", "^%s*(.-)%s*$") .. "|")
print(string.match("key=val", "()=()"), string.match("abc", "()"), string.match("abc", "()", 4))
print(string.match("nested (a (b) c) end", "%b()"), string.match("if [[x]] then", "%[(%b[])%]"))
print(string.match("THE (quick) fox", "%f[%a]%a+"), string.match("hello world", "%f[%w]%w+$"))
print(string.match("aaa", "(a*(.))"), string.match("abab", "(ab)%1"), string.match("abcabc", "(a)(b)(c)%1%2%3"))
print(string.match("hello", ".-(l+)(.*)"), string.match("hello", "", 3), string.match("hello", "h", -5))
print(string.match("x = 10, y = 20", "y = (%d+)"), string.match("path/to/file.txt", "([^/]+)%.(%w+)$"))
print(string.match("abc", "^(a)"), string.match("abc", "^b"), string.match("a\nb", "a.b"))
local words = {}
for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
print(#words, table.concat(words, ","))
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, ":", v, " ") end
print()
for pos in string.gmatch("abc", "()") do io.write(pos, " ") end
print()
for m in string.gmatch("abc", "^a") do io.write("[", m, "]") end
print()
for a in string.gmatch("hello", "") do io.write("-", a) end
print()
local it = string.gmatch("x1y2", "%a(%d)")
print(it(), it(), it())
for w in string.gmatch("one two three", "%a+", 5) do io.write(w, ";") end
print()
print(pcall(string.match, "abc", "(()"))
print(pcall(string.match, "abc", "%1"))
print(pcall(string.gmatch, nil, "x"))
print(string.match("   ", "^%s*$") ~= nil, string.match("hello", "l*", 3), string.match("hello", "l+?"))
print(string.match("2^3", "%d%^%d"), string.match("[]", "%[%]"), string.match("a.b", "a%.b"))
