-- Deep non-tail recursion: as deep as PUC Lua's stack allows, then a clean error.
local function sum(n) if n == 0 then return 0 end return n + sum(n - 1) end
print(sum(300000))
local depth = 0
local function f() depth = depth + 1; return 1 + f() end
print(pcall(f))
print(depth > 900000)
-- the stack is usable again after the overflow
print(sum(1000))
