-- Statement forms: empty statements, call statements, newlines, long names.
;;; local a = 1; ; local b = 2;
print(a, b);
local function id(...) return ... end
local r = id
(print)("call continues across a newline")
print(r == id)
local t = {}
t.x = 1 t.y = 2 print(t.x + t.y)
do ; end
while false do end
repeat until true
for _ = 1, 0 do end
if false then elseif false then else end
local veryLongIdentifierNameThatKeepsGoingAndGoingAndGoing_0123456789 = "long name"
print(veryLongIdentifierNameThatKeepsGoingAndGoingAndGoing_0123456789)
local _, __, _a1 = 1, 2, 3
print(_, __, _a1)
-- keywords are case sensitive and cannot be names
local And, END, Nil = "And", "END", "Nil"
print(And, END, Nil)
print(load("local and = 1"))
print(load("local nil = 1"))
print(load("local goto = 1"))
-- method and field definitions
local obj = {sub = {}}
function obj.sub.deep() return "deep" end
function obj:m() return self == obj end
print(obj.sub.deep(), obj:m())
-- return must be last in a block
print(load("return 1 print(2)"))
print(load("do return end print(1)") ~= nil)
print(load("return;") ~= nil)
-- parenthesised expressions as statements are errors, calls are fine
print(load("(f)"))
print(load("f()") ~= nil, load("f{}") ~= nil, load("f''") ~= nil, load("a.b.c:d()") ~= nil)
-- numeric literals adjacent to names
print(load("return 1and 2"))
print(load("return 0xAand 1"))
-- comments at end of file without newline
print(load("return 7 -- trailing")())
print(load("return 8 --[[ trailing long ]]")())
-- unicode bytes in identifiers are not allowed
print(load("local café = 1"))
