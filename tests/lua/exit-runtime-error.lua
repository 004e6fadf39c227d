-- Ends in an uncaught runtime error with variable info.
print("before the error")
local config = {}
local function use()
  return config.section.value
end
use()
print("never printed")
