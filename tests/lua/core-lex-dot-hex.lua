-- A numeral that starts with a dot is read like PUC's lexer: `0x` after the dot still makes
-- the rest hexadecimal, so the malformed text reported is the same.
for _, src in ipairs{"return math.0xabs(", "return .0x1p4", "return .0x", "return .5x3",
                      "return .0X1P-1", "return .0e1", "return .0xe+1", "return 1.0x5"} do
  local f, err = load(src)
  print(f and f() or err)
end
