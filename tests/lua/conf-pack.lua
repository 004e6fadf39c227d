-- Conformance of string.pack argument errors with PUC Lua 5.4: a missing value is reported as
-- `got nil`, since PUC pushes a nil above the arguments.
local function t(...) print(pcall(...)) end
t(string.pack, "i4")
t(string.pack, "i4i4i4", 1)
t(string.pack, "i4s", 1)
t(string.pack, "d")
t(string.pack, "z")
t(string.pack, "i4", "x")
t(string.pack, "i4", 1.5)
t(string.pack, "i17", 1)
t(string.pack, "c2", "abc")
t(string.pack, "s1", string.rep("x", 256))
t(string.unpack, "i4", "abc")
t(string.unpack, "z", "abc")
t(string.unpack, "i9", "\0\0\0\0\0\0\0\0\1")
t(string.packsize, "s")
t(string.unpack, "", "abc", 5)
