-- Ends with a syntax error in the main file: nothing runs.
print("this never prints")
local x = = 1
