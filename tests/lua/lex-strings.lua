-- String literal escapes and long brackets.
print("a\tb", 'single "q"', "double 'q'")
print("\65\066\0671", "\x41\x62\x7A", "\u{48}\u{49}", #"\0\0\0")
print("\u{7FF}" == "\xDF\xBF", #"\u{10FFFF}", #"\u{7FFFFFFF}")
print("line1\
line2")
print("a\z
       b", "c\z     d")
print("\a\b\f\v" == "\7\8\12\11", "\\", "\"", '\'', "\n" == "\10")
print(#"\r\n", "\1234" == "{4")
print([[long
string]], [==[with ]] inside]==], [=[
skip first newline]=])
print([[]], #[[

x]])
--[[ block
comment ]] print("after block comment")
--[==[ level 2 ]] still
comment ]==] print("after level-2 comment")
-- line comment [[ not long
print("ok") --[[ inline ]] print("ok2")
local function try(src)
  local f, err = load(src)
  if f then print("ok", pcall(f)) else print(err) end
end
try([[return "\q"]])
try([[return "\x4"]])
try([[return "\xZZ"]])
try([[return "\256"]])
try([[return "\u{110000000}"]])
try([[return "\u{41"]])
try([[return "\u41"]])
try([[return "abc]])
try("return 'abc\ndef'")
try("return [[abc")
try("return [==[abc]=]")
try("--[[ unfinished")
try("return [=x")
try("return \"\\u{80000000}\"")
try("return \"a\\\r\nb\"")
try("return \"a\\\n\rb\"")
try("return [[\r\nx]]")
try("return #[[a\r\nb\n\rc\r\rd]]")
try("local x = 1\r\nlocal y = 2\r\nreturn x + y")
try("return 1\r\n+ nil")
try("\r\n\r\nreturn 1 + {}")
try("x = 1 \n\n\n return y.z")
