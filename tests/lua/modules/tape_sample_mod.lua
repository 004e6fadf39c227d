-- A module loaded by require-module.lua.
local name, path = ...
local M = {loaded_as = name, from = path}
M.counter = (M.counter or 0) + 1
function M.greet(who) return "hello, " .. who end
LOAD_COUNT = (LOAD_COUNT or 0) + 1
return M
