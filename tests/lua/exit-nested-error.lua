-- Ends in an uncaught error raised deep inside nested calls (full traceback on stderr).
local function c(t) return t.missing.field end
local function b(t) return c(t) + 1 end
function a(t) local r = b(t) return r end
print("calling a")
a({})
