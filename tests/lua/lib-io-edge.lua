-- io edge cases: a read count the allocator cannot give fails with a memory error (no
-- position), after the formats before it were read; a failed seek keeps the position and the
-- buffered input; io.close(nil) is a bad argument, io.close() closes the default output.
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("12 3.5 0x1p4 abc\nline2\n\nlast")
f:close()
f = assert(io.open(name))
print(pcall(f.read, f, "l", math.maxinteger, "l"))
print(f:read("a"))
f:seek("set")
print(pcall(f.read, f, 2, -1))
print(pcall(f.read, f, 1 << 62))
print(f:read(3))
for _, c in ipairs{{"cur", -100}, {"cur", math.maxinteger}, {"cur", math.mininteger},
                   {"set", -1}, {"set", math.mininteger}, {"end", math.maxinteger}} do
  f:seek("set", 7)
  print(c[1], c[2], f:read(1), f:seek(c[1], c[2]), f:read(2))
end
f:close()
print(pcall(io.close, nil))
print(pcall(io.close, 1))
local out = io.output()
io.output(name)
print(io.write("x") == io.output(), io.close(), io.type(io.output()))
io.output(out)
print(io.open(name):read("a"))
os.remove(name)
