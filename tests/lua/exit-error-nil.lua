-- Ends in error() with a nil value.
print("raising nil")
error()
