-- `t[k] = v` with the key in a register: integer keys (array part, hash part, past the
-- end), string keys, float keys that are integers, and the metamethods that decide when the
-- slot is empty.

local t = {}
for i = 1, 5 do t[i] = i * i end
local k = 3
t[k] = "three"
k = 7
t[k] = "seven" -- past the array: the hash part
k = 0
t[k] = "zero"
k = -2
t[k] = "minus two"
k = math.maxinteger
t[k] = "max"
print(#t, t[1], t[3], t[5], t[7], t[0], t[-2], t[math.maxinteger])

-- Float keys with an integer value are the same key as the integer.
local f = 2.0
t[f] = "two"
print(t[2], math.type(next({ [f] = 1 })))
f = 2.5
t[f] = "two and a half"
print(t[2.5])

-- Removing and re-adding through a variable key.
k = 5
t[k] = nil
print(t[5], #t == 4 or #t == 7)
t[k] = 25
print(t[5])

-- String keys in a register.
local s = "name"
t[s] = "first"
t[s] = "second"
local s2 = "na" .. "me"
print(t.name, t[s2])
t[s] = nil
print(t.name)

-- __newindex runs only for absent keys, whatever the key's type.
local log = {}
local proxy = setmetatable({ present = 1, [1] = "one" }, {
  __newindex = function(tt, key, v)
    log[#log + 1] = tostring(key) .. "=" .. tostring(v)
    rawset(tt, key, v)
  end,
})
local keys = { 1, 2, "present", "absent", 2.0, 3.5, true }
for _, key in ipairs(keys) do proxy[key] = "x" end
print(table.concat(log, " "))
print(proxy[1], proxy[2], proxy.present, proxy.absent, proxy[3.5], proxy[true])

-- A __newindex table receives the store instead.
local store = {}
local redirect = setmetatable({}, { __newindex = store })
for i = 1, 3 do redirect[i] = i * 10 end
local key = "k"
redirect[key] = "v"
print(rawget(redirect, 1), store[1], store[3], store.k, rawget(redirect, "k"))

-- Errors: nil and NaN keys.
print(pcall(function() local n; t[n] = 1 end))
print(pcall(function() local nan = 0 / 0; t[nan] = 1 end))
-- Indexing a non-table.
print(pcall(function() local x = 5; local i = 1; x[i] = 1 end))

-- A long array filled through a variable index, then read back.
local arr = {}
for i = 1, 1000 do local j = i; arr[j] = j * 2 end
local sum = 0
for i = 1, #arr do sum = sum + arr[i] end
print(#arr, sum)
