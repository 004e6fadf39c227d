-- math.deg/rad and the functions of PUC's 5.3 compatibility (pow, atan2, cosh, sinh, tanh,
-- frexp, ldexp, log10), with their argument checks; math.fmod's argument order in errors.
local function f(x) return string.format("%.17g", x) end
print(math.atan == math.atan2, math.atan2(1, 2) == math.atan(1, 2))
for _, x in ipairs{0, -0.0, 1, -1, 0.5, 1e308, 1/0, -1/0, 5e-324, 2.2250738585072014e-308,
                   3, 2^53, 1e-310, -3.75, "8"} do
  local m, e = math.frexp(x)
  print(x, f(m), e, math.type(m), math.type(e))
  print(f(math.deg(x)), f(math.rad(x)), f(math.cosh(x)), f(math.sinh(x)), f(math.tanh(x)),
        f(math.log10(x)))
  local t = {}
  for _, n in ipairs{0, 1, -1, 1023, 1024, -1074, -1075, 2000, -2000, 2^32, 2^31, -2^31} do
    t[#t + 1] = f(math.ldexp(x, n))
  end
  print(table.concat(t, " "))
  print(f(math.pow(x, 2)), f(math.pow(2, x)), f(math.pow(x, 0.5)), f(math.pow(x, -1)))
end
print(math.frexp(0/0) ~= math.frexp(0/0), select(2, math.frexp(0/0)))
print(math.type(math.deg(1)), math.type(math.pow(2, 2)), math.type(math.ldexp(1, 2)))
print(math.deg(math.pi), math.rad(180), math.pow(2, 10), math.log10(1000))
for _, c in ipairs{
  {math.ldexp, 1, 1.5}, {math.ldexp, 1}, {math.ldexp}, {math.ldexp, "a", 1},
  {math.pow, 1}, {math.pow}, {math.pow, "a", {}}, {math.frexp}, {math.deg, "x"}, {math.rad},
  {math.log10, {}}, {math.cosh}, {math.sinh, true}, {math.tanh, nil},
  {math.fmod}, {math.fmod, "a", "b"}, {math.fmod, 1}, {math.fmod, 1, 0}, {math.fmod, 1.5, "x"},
  {math.fmod, "x", 2},
} do
  print(pcall(table.unpack(c)))
end
