-- The utf8 library: char, charpattern, codepoint, len, offset, codes.
print(utf8.char(72, 228, 8364, 128512), utf8.char(), #utf8.char(0x7FFFFFFF))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "häll€ 😀"
print(#s, utf8.len(s), utf8.len(""), utf8.len(s, 3), utf8.len(s, -4))
print(utf8.codepoint(s, 1, -1))
print(utf8.codepoint(s, 2), utf8.codepoint("abc"), pcall(utf8.codepoint, s, 3))
print(utf8.len("\xff"), utf8.len("ab\x80cd"), utf8.len("\xC0\x80"), utf8.len("\xED\xA0\x80"))
print(utf8.len("\xED\xA0\x80", 1, -1, true), utf8.len("\xF4\x90\x80\x80"), utf8.len("\xF4\x90\x80\x80", 1, -1, true))
print(utf8.offset(s, 1), utf8.offset(s, 2), utf8.offset(s, 3), utf8.offset(s, -1), utf8.offset(s, 0, 3), utf8.offset(s, 10))
print(utf8.offset("abc", 0), utf8.offset("abc", 4), utf8.offset("abc", 5), utf8.offset("", 1), utf8.offset("abc", -3))
print(pcall(utf8.offset, s, 1, 3))
print(pcall(utf8.offset, "abc", 1, 5))
for p, c in utf8.codes(s) do io.write(p, ":", c, " ") end
print()
print(pcall(function() for p, c in utf8.codes("a\xffb") do end end))
print(pcall(utf8.char, -1))
print(pcall(utf8.char, 0x80000000))
print(pcall(utf8.codepoint, "abc", 0))
print(pcall(utf8.codepoint, "abc", 1, 4))
print(pcall(utf8.len, "abc", 5))
print(utf8.len("abc", 4), pcall(utf8.len, "abc", 0))
print(utf8.codepoint("\u{10FFFF}"), pcall(utf8.codepoint, "\u{110000}"))
print(utf8.codepoint("\u{110000}", 1, 1, true), utf8.char(0x110000) == "\u{110000}")
local n = 0
for _, c in utf8.codes("") do n = n + 1 end
print(n, select("#", utf8.codepoint("abc", 3, 2)))
for w in string.gmatch("añb€", utf8.charpattern) do io.write("[", w, "]") end
print()
