-- string.byte and string.sub with negative, zero, huge and out-of-range positions: byte's end
-- defaults to its original start, so a start before the string selects nothing.
local idx = {0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 100, -100,
             math.maxinteger, math.mininteger, math.mininteger + 1, 1.0, -2.0, "2", "-1"}
for _, s in ipairs{"", "a", "hi", "hello"} do
  for _, i in ipairs(idx) do
    print(#s, i, string.byte(s, i))
    print(#s, i, "[" .. string.sub(s, i) .. "]")
    for _, j in ipairs(idx) do
      print(#s, i, j, string.byte(s, i, j))
      print(#s, i, j, "[" .. string.sub(s, i, j) .. "]")
    end
  end
end
print(string.byte("hi", -3), string.byte("hi", -3, -3), string.byte("hi", -2, -2))
print(pcall(string.byte, "hi", 1.5))
print(pcall(string.sub, "hi"))
print(pcall(string.sub, "hi", {}))
print(pcall(string.byte, "hi", 1, "x"))
