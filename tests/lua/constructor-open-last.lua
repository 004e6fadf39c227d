-- A constructor whose last item is a call or `...` takes all its values; NEWTABLE reserves a
-- slot for the first of them, which must not show when there is none.
local function none() end
local function one() return "a" end
local function three() return "x", "y", "z" end
local function nils() return nil, nil end

local function show(t)
  local keys = {}
  for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
  return #t .. " [" .. table.concat(keys, " ") .. "]"
end

print(show({ none() }))
print(show({ one() }))
print(show({ three() }))
print(show({ 1, 2, none() }))
print(show({ 1, 2, three() }))
print(show({ nils() }))
print(show({ 1, nils() }))
print(show({ x = 1, none() }))
print(show({ x = 1, three() }))
print(show({ (three()) }))
local function va(...) return { ... } end
print(show(va()))
print(show(va(nil)))
print(show(va(1, nil, 3)))
local t = { none() }
t[1] = "later"; t[2] = "more"
print(show(t))
local u = { one() }
u[3] = "gap"
print(show(u), next({ none() }))
