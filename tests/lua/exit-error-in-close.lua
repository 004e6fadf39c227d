-- Ends in an uncaught error raised by a __close metamethod at block exit.
do
  local guard <close> = setmetatable({}, {__close = function() error("close failed at exit") end})
  print("inside block")
end
print("never")
