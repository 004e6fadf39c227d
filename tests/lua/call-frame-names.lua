-- debug.getinfo names a finalizer's frame metamethod '__gc', and a function the VM calls while
-- an instruction fails (an xpcall handler) after that instruction's event, as lua5.4 does.
local seen = {}
setmetatable({}, {__gc = function(o)
  local i = debug.getinfo(1, "nSl")
  seen[#seen + 1] = tostring(i.namewhat) .. " " .. tostring(i.name) .. " " .. i.what
  seen[#seen + 1] = (debug.traceback("tb", 1):gsub("\n[^\n]*in %?", ""):gsub("\n[^\n]*collectgarbage[^\n]*", ""))
end})
collectgarbage()
print(table.concat(seen, "\n"))
-- a __gc that is a callable table
seen = {}
setmetatable({}, {__gc = setmetatable({}, {__call = function(self, o) local i = debug.getinfo(1, "n"); seen[1] = i.namewhat .. " " .. tostring(i.name) end})})
collectgarbage()
print(seen[1])
-- handler for runtime errors in Lua code is named after the failing instruction
local function h(m) local i = debug.getinfo(2, "n"); local j = debug.getinfo(1, "n"); return m .. " | " .. tostring(j.namewhat) .. " " .. tostring(j.name) end
print(xpcall(function() local y; return y.z end, h))
print(xpcall(function() local y; y.z = 1 end, h))
print(xpcall(function() local y; return y + 1 end, h))
print(xpcall(function() local y = {}; return y < 1 end, h))
print(xpcall(function() local y; return #y end, h))
print(xpcall(function() local y; return y .. "x" end, h))
print(xpcall(function() local y; return y() end, h))
print(xpcall(function() local y; return -y end, h))
print(xpcall(function() error("e") end, h))
print(xpcall(function() for i = 1, "x" do end end, h))
