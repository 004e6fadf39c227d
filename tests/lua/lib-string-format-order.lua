-- string.format checks the flags of %c and %a before their argument, those of %d, %x, %f, %g
-- and the like after it.
for _, spec in ipairs{"% c", "%#.0c", "%05c", "%.3c", "% .100A", "%#0100.1a", "%+.3a",
                      "%#c", "%+d", "%#d", "% .3x", "%#.99f", "%+5.2g"} do
  for _, v in ipairs{"abc", 1.5, 1/0, 65, 2.0} do
    print(spec, v, pcall(string.format, spec, v))
  end
  print(spec, pcall(string.format, spec))
end
