-- Left-associative chains of any length load and run, as in PUC's parser, which handles
-- them iteratively; right-associative operators and true nesting keep the C-level limit.
local N = 100000

local function run(name, src, ...)
  local f, err = load(src, "=" .. name)
  if not f then
    -- Only the first line: the rest of PUC's message for some limits is a traceback.
    print(name, "load error", (err:gsub("\n.*", "")))
    return
  end
  print(name, pcall(f, ...))
end

run("add", "local a = ... return a" .. string.rep(" + a", N), 1)
run("sub", "local a = ... return a" .. string.rep(" - a", N), 1)
run("mul-float", "local a = ... return a" .. string.rep(" * a", N), 1.0)
run("idiv", "local a = ... return 7" .. string.rep(" // a", N), 1)
run("mixed", "local a = ... return a" .. string.rep(" + a * a - a // a % 7", N), 2)
run("const", "return 1" .. string.rep(" + 1", N))
run("const-float", "return 0.5" .. string.rep(" * 1", N))
run("bor", "local a = ... return a" .. string.rep(" | a", N), 6)
run("band-shift", "local a = ... return a" .. string.rep(" & a << 0", N), 6)
run("eq", "local a = ... return a" .. string.rep(" == a", N), 1)
run("lt", "local a = ... return a" .. string.rep(" < a", N), 1)
run("field", "local t = ... return t" .. string.rep(".b", N) .. " == t",
  setmetatable({}, {__index = function(t) return t end}))
run("index", "local t = ... return t" .. string.rep("[1]", N) .. " == t",
  setmetatable({}, {__index = function(t) return t end}))
local function self_returner() return self_returner end
run("call", "local f = ... return f" .. string.rep("()", N) .. " == f", self_returner)
run("call-args", "local f = ... return f" .. string.rep("(1, 2)", N) .. " == f", self_returner)
run("call-str", "local f = ... return f" .. string.rep("'x'", N) .. " == f", self_returner)
run("call-table", "local f = ... return f" .. string.rep("{}", N) .. " == f", self_returner)
local obj = {}
function obj:m(k) self.n = (self.n or 0) + k return self end
run("method", "local o = ... return o" .. string.rep(":m(1)", N) .. ".n", obj)
run("method-stat", "local o = ... o" .. string.rep(":m(2)", N) .. " return o.n", obj)
run("suffix-mix", "local t = ... return t" .. string.rep(".a[1]'s'", N) .. " == t",
  setmetatable({}, {__index = function(t) return t end, __call = function(t) return t end}))
run("assign-target", "local t = ... t" .. string.rep(".a", N) .. ".z = 5 return rawget(t, 'z')",
  setmetatable({}, {__index = function(t) return t end}))
run("in-parens", "local a = ... return (a" .. string.rep(" + a", N) .. ") .. (a" .. string.rep(" - a", N) .. ")", 1)
run("in-call", "local a = ... return tostring(a" .. string.rep(" + a", N) .. ")", 3)
run("in-table", "local a, t = ... return #{a" .. string.rep(" + a", N) .. ", t" .. string.rep(".x", N) .. "}", 1,
  setmetatable({}, {__index = function(t) return t end}))
run("in-function", "local a = ... return (function() return a" .. string.rep(" + a", N) .. " end)()", 1)

-- `and`/`or` chains (shorter: PUC's own code generation for them is quadratic).
local M = 10000
run("and", "local a = ... return a" .. string.rep(" and a", M), 1)
run("or", "local a = ... return a" .. string.rep(" or a", M), false)
run("and-or", "local a = ... return a" .. string.rep(" and a or a", M), 4)
run("cond", "local a = ... if a" .. string.rep(" and a", M) .. " then return 'yes' end return 'no'", 1)
run("cond-or", "local a = ... while a" .. string.rep(" or a", M) .. " do return 'loop' end return 'no'", nil)

-- Errors inside long chains name the right line and operand.
run("err-arith", "local a = ... return a" .. string.rep("\n+ a", 500) .. "\n+ nil" .. string.rep("\n+ a", 500), 1)
run("err-field", "local t = ... return t" .. string.rep(".b", 1000) .. "\n.c.d", setmetatable({}, {__index = function(t, k) if k ~= "c" then return t end end}))
run("err-call", "local f = ... return f" .. string.rep("()", 1000) .. "\n.x()", function() end)
run("syntax-after", "local a = ... return a" .. string.rep(" + a", N) .. " $")
run("syntax-in", "local a = ... return a" .. string.rep(" + a", N) .. " + ")

-- Right-associative chains and real nesting still hit PUC's limit.
run("concat-300", "local a = 'x' return a" .. string.rep(" .. a", 300))
run("pow-300", "local a = 1 return a" .. string.rep(" ^ a", 300))
run("parens-300", "return " .. string.rep("(", 300) .. "1" .. string.rep(")", 300))
run("unary-300", "return " .. string.rep("- ", 300) .. "1")
run("not-300", "return " .. string.rep("not ", 300) .. "1")
run("concat-150", "local a = 'x' return #(a" .. string.rep(" .. a", 150) .. ")")
run("pow-100", "local a = 1 return a" .. string.rep(" ^ a", 100))
