-- string.format("%q"): strings, numbers, and values that cannot be quoted.
print(string.format("%q", "hello"))
print(string.format("%q", 'with "quotes" and \\ backslash'))
print(string.format("%q", "new\nline"))
print(string.format("%q", "ctrl\0\1\31\127 chars"))
print(string.format("%q", "\0001"))
print(string.format("%q", "\r\t"))
print(string.format("%q", "high \200\255 bytes"))
print(string.format("%q", 42), string.format("%q", -7), string.format("%q", math.mininteger))
print(string.format("%q", 1.5), string.format("%q", 0.1), string.format("%q", -0.0))
print(string.format("%q", 1/0), string.format("%q", -1/0), string.format("%q", 0/0))
print(string.format("%q", 1e100), string.format("%q", 2^63), string.format("%q", 3.0))
print(string.format("%q", true), string.format("%q", false), string.format("%q", nil))
print(pcall(string.format, "%q", {}))
print(pcall(string.format, "%q", print))
print(pcall(string.format, "%10q", "x"))
-- %q output loads back to the same value
for _, v in ipairs({"a\0b\n\"c\\", 123, -0.5, 1e300, math.maxinteger, math.mininteger, 2^-1074}) do
  local back = load("return " .. string.format("%q", v))()
  print(back == v, math.type(back) == math.type(v))
end
