-- os.date converts its whole format, embedded zero bytes included ("*t" is tested as a C
-- string); %C and %g follow glibc's C-int year near the limits of a representable date.
print(os.date("!%Y\0%m", 0):byte(1, -1))
print(os.date("!\0", 0):byte(1, -1))
print(#os.date("!%c\0%c\0", 86400))
print(os.date("!*t\0x", 0).year, type(os.date("*t\0", 0)))
print(pcall(os.date, "!a\0%", 0))
print(pcall(os.date, "%Ez\0", 0))
for _, t in ipairs{-1e11, -62198755200, -62167219200, -62167219201, -65000000000, -3e12,
                   67768036191676799, 67768034610556799, 67767976233532799,
                   67767976233532800, -67768040609740800, -67768040609740801} do
  print(t, pcall(os.date, "!%C|%y|%Y|%G|%g|%c|%D|%F|%V|%U|%W", t))
end
