-- io: writing and reading files in /tmp with every read format, lines, seek, close.
local path = "/tmp/tape-io-test-1.txt"
local f = assert(io.open(path, "w"))
print(io.type(f), f:write("line one\n", 2, " ", 3.5, "\n", "third\n\n", "0x1F 42 -3.5e1 nan\n", "last") == f)
print(f:close(), io.type(f))
print(pcall(f.write, f, "x"))
f = assert(io.open(path, "r"))
print(f:read("l"), f:read("L"), f:read("n"), f:read("n"), f:read("l"), f:read("l"))
print(f:read("n"), f:read("n"), f:read("n"), f:read("n"))
print(f:read(2), f:read(0), f:read("a"), f:read("a"), f:read("l"), f:read(0), f:read(1))
f:close()
for line in io.lines(path) do io.write("[", line, "]") end
print()
for a, b in io.lines(path, 1, 3) do io.write(a, "|", b, " ") break end
print()
for l in io.lines(path, "L") do io.write(l) end
print()
f = io.open(path)
print(f:seek("end"), f:seek("set", 5), f:read(3), f:seek("cur"), f:seek("cur", -2), f:read("l"))
f:close()
local n = 0
for l in f.lines and io.open(path):lines() do n = n + 1 end
print("lines", n)
-- append mode and r+
local g = io.open(path, "a") g:write("\nappended") g:close()
local h = io.open(path) local all = h:read("a") h:close()
print(#all, all:sub(-8))
-- read a number that is too long or malformed
local p2 = "/tmp/tape-io-test-2.txt"
local w = io.open(p2, "w") w:write("12abc 0x 1e 99") w:close()
local r = io.open(p2)
print(r:read("n"), r:read(3), r:read("n"), r:read("n"), r:read("n"))
r:close()
-- errors
print(io.open("/tmp/tape-no-such-dir/x", "r"))
print(pcall(io.open, path, "rw"))
print(pcall(io.open, path, "z"))
local c = io.open(path)
c:close()
print(pcall(c.read, c))
print(pcall(function() return c:read() end))
print(tostring(c), io.type(io.stdout), io.type(42), io.type(nil))
print(pcall(io.lines, "/tmp/tape-no-such-file"))
local rf = io.open(path)
print(pcall(rf.read, rf, "x"))
print(pcall(rf.read, rf, "*l"), rf:read("*a") ~= nil)
rf:close()
print(io.write() == io.stdout, io.output() == io.stdout, io.input() == io.stdin)
-- io.output/io.input redirection
io.output(p2) io.write("redirected") io.close() io.output(io.stdout)
io.input(p2) print(io.read("a")) io.input():close() io.input(io.stdin)
-- setvbuf and flush return values
local fb = io.open(p2, "w")
print(fb:setvbuf("no"), fb:flush(), fb:close())
os.remove(path) os.remove(p2)
print(io.open(path))
