-- %g and tostring of floats: the shortest-digits path and the exact one (subnormals, 17 digits,
-- '#', widths, flags), over fixed values and 2000 generated ones.
local vals = {0, -0.0, 1, -1, 0.1, 0.5, 1/3, 2/3, 1e15, 1e14, 123456789012345, 1e-5, 1e-4, 0.00012345, 3.14159265358979, 1e100, -1e-100, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 100, 1e21, 12345.678, 0.1 + 0.2, 255/256, 2^53, 2^63, -2^63, 9007199254740993}
for _, v in ipairs(vals) do
  print(string.format("%g|%.14g|%.3g|%G|%10.4g|%-12g|%+g|%#g|%.0g|%.15g|%.17g", v, v, v, v, v, v, v, v, v, v, v), tostring(v), v)
end
for i = 1, 2000 do
  local x = (i * 7919 % 10007) / (i % 97 + 1) * 10 ^ (i % 30 - 15)
  io.write(string.format("%.14g %g %.5g ", x, x, x), tostring(x), " ", x, "\n")
end
