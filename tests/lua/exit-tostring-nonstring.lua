-- An uncaught error object whose __tostring gives a non-string is described by its type.
print("before")
error(setmetatable({}, {__tostring = function() return 42 end}))
