-- string.dump's header has lua5.4's fields at lua5.4's places (signature, version, format,
-- conversion check, sizes, check integer and float); a damaged header or a truncated chunk
-- fails to load.
local header = string.pack("c4BBc6BBB", "\27Lua", 0x54, 0, "\x19\x93\r\n\x1a\n", 4,
                           string.packsize("j"), string.packsize("n"))
local c = string.dump(function(x) local y = x * 2; return y + 1, "k" end)
print(c:sub(1, #header) == header)
print(string.unpack("jn", c, #header + 1))
print(load(c)(20))
local rejected = 0
for i = 1, #header do
  local s = c:sub(1, i - 1) .. string.char((c:byte(i) + 1) % 256) .. c:sub(i + 1)
  if not load(s) then rejected = rejected + 1 end
end
print(rejected == #header)
local truncated = 0
for i = 1, #c - 1 do
  local f, msg = load(c:sub(1, i))
  if not f and msg:find("truncated") then truncated = truncated + 1 end
end
print(truncated == #c - 1)
