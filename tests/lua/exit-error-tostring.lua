-- Ends in an uncaught error whose value is a table with __tostring.
print("raising an object")
error(setmetatable({}, {__tostring = function() return "custom error object" end}))
