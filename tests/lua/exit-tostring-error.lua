-- An uncaught error object whose __tostring itself fails: the new error is reported.
print("before")
error(setmetatable({}, {__tostring = function() error("tostring failed") end}))
