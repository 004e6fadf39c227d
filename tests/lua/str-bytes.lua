-- Strings are byte strings: all 256 bytes, embedded zeros, comparison, %q round trip.
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
print(#s, s:byte(1), s:byte(256), s:byte(129), #s:upper(), s:upper():byte(98), s:lower():byte(66))
local back = load("return " .. string.format("%q", s))()
print(back == s)
local bytes = {s:byte(1, -1)}
print(#bytes, bytes[1], bytes[256])
print(string.char(table.unpack(bytes)) == s)
print("a\0b" < "a\0c", "a\0" > "a", "\0" < "\1", "" < "\0", "\255" > "\127", "Z" < "a")
print(#"a\0b\0c", ("a\0b"):find("\0", 1, true), ("x\0y"):rep(2) == "x\0yx\0y")
local t = {}
t["a\0b"] = 1; t["a\0c"] = 2
print(t["a\0b"], t["a\0c"], t["a"])
print(("\0"):byte(), ("%q"):format("\0\0") , tostring("\0"):len())
print(s:sub(66, 70), s:sub(98, 102):upper(), s:sub(49, 58) + 0 == 123456789)
print(("héllo"):len(), ("héllo"):upper(), ("héllo"):reverse():len(), #utf8.char(233))
