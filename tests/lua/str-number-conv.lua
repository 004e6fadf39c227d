-- Number <-> string conversions through the string library: tostring vs %.14g, math.tointeger.
local vals = {0, -0.0, 1, 1.0, -1.5, 0.1, 1/3, 1e15, 1e16, 2^53, 2^63, -2^63, 1e100, 1e-7, 123456.789, 5e-324, 1/0, -1/0}
for _, v in ipairs(vals) do
  local s = tostring(v)
  local g = string.format("%.14g", v)
  io.write(s, " ", g, " ", tostring(tonumber(s) == v), "; ")
end
print()
print(math.tointeger("0x10"), math.tointeger(" 7 "), math.tointeger("7.0"), math.tointeger(7.5))
print(string.format("%d", 2^31), string.format("%.0f", 2^63), string.format("%.3f", 2/3))
print(tostring(2^63) == "9.2233720368548e+18", math.maxinteger + 0.0 == 2^63, math.maxinteger // 1 == math.maxinteger)
print(string.format("%g", 1e15), string.format("%g", 123456789), string.format("%.14g", 123456789012345678))
print(("10"):rep(2) + 1, "5" * "5", math.type("5" * "5"), math.type("5" * "5.0"), "2" ^ "0.5")
print(("0x10") + 0, ("1e2") + 0, (" 3 ") * 1, pcall(function() return ("3a") + 0 end))
print(#tostring(-0.0), #tostring(math.mininteger), tostring(1e300 * 1e10), tostring(-(0/0)))
print(string.format("%5.1f|%-7.2e|%G", -0.05, 12345, 1e-20))
print(8 // "3", "8" // 3, 8 % "3.0", pcall(function() return "2" << 1 end))
