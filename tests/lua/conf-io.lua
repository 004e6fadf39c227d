-- Conformance of the io library with PUC Lua 5.4: lazily checked read formats, writes that
-- stop at a bad argument, files opened read-only, seek errors, numerals longer than 200
-- characters, `io.popen`, and `io.lines` on a closed default input.
local function t(...) print(pcall(...)) end

local name = os.tmpname()
local w = assert(io.open(name, "w"))
w:write("12 0x1F -3.5e2 1e\nline2\n\nlast")
w:close()

-- Formats are checked only when reading reaches them.
local f = assert(io.open(name))
print(f:read("n", "n", "n", "n"))
print(f:read("n", "x"))
t(f.read, f, "l", "x")
t(f.read, f, "l", {})
t(f.read, f, 1.5)
t(f.read, f, -1)
print(select("#", f:lines("x")))
t(function() for l in f:lines("x") do end end)
t(function() for a, b in f:lines(1, {}) do end end)
f:close()
t(function() for l in io.lines(name, "x") do end end)
local many = {}
for i = 1, 251 do many[i] = "l" end
t(io.lines, name, table.unpack(many))
many[251] = nil
print(select("#", io.lines(name, table.unpack(many))))

-- Writing stops at the first bad argument, after writing the ones before it.
local out = io.tmpfile()
t(out.write, out, "a", 1, 2.5, {}, "never")
out:seek("set")
print(out:read("a"))
out:close()

-- A file opened for reading refuses writes at once; seek reports the OS's errors.
local r = assert(io.open(name))
print(r:write("x"))
print(r:seek("set", -100))
print(r:seek("cur", 3), r:read(2))
t(r.seek, r, "cur", math.mininteger)
t(r.seek, r, "bad")
print(r:setvbuf("no"), r:setvbuf("full", 1024), r:setvbuf("line"))
r:close()
t(r.seek, r)

-- `n` reads at most 200 characters of a numeral, then fails.
local nf = io.tmpfile()
nf:write(string.rep("1234567890", 21), " 42")
nf:seek("set")
print(nf:read("n"))
print(nf:read(3))
print(nf:read("n"), nf:read("n"))
nf:close()

-- io.popen runs a shell command; close reports how it ended.
local p = io.popen("echo hi; echo there")
print(p:read("l"), p:read("a"))
print(p:seek())
print(p:write("x"))
print(p:close())
print(io.popen("exit 3"):close())
print(io.popen("kill -9 $$"):close())
local pw = io.popen("cat > " .. name, "w")
print(io.type(pw), pw:read("a"))
pw:write("piped", 1, "\n")
print(pw:close())
print(io.open(name):read("a"))
for l in io.popen("printf 'x\\ny\\n'"):lines() do io.write("[", l, "]") end
print()
t(io.popen, "true", "rw")
t(io.popen, "true", "r+")

-- io.lines with no name reads the default input, which must be open.
io.input(name)
io.input():close()
t(io.lines)
t(io.read)
io.input(io.stdin)
os.remove(name)
-- io.write prints floats with %.14g alone (no ".0"), unlike tostring
io.write(1.0, " ", -0.0, " ", 2^63, " ", 1/0, " ", 0.1, " ", 100 // 1.0, "\n")
do
  local f = io.tmpfile()
  f:write(3.0, ",", 1e100, ",", 2^53)
  f:seek("set")
  print(f:read("a"))
  f:close()
end
