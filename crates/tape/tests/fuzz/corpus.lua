-- Functions whose binary chunks seed the binary-chunk fuzzer (tests/fuzz.rs). Each global
-- function is dumped on its own (with and without debug info), and so is the whole chunk.
-- They cover the instruction set: closures and upvalues, varargs, numeric and generic loops,
-- goto, to-be-closed variables, method calls, nested functions, many constants, metatables,
-- coroutines, string building, integer and float arithmetic, comparisons, table constructors.

function closures(n)
  local fs = {}
  for i = 1, (n or 4) do
    local j = i * 2
    fs[#fs + 1] = function(x) j = j + (x or 1); return i + j end
  end
  local sum = 0
  for _, f in ipairs(fs) do sum = sum + f(1) + f() end
  return sum
end

function varargs(...)
  local n = select('#', ...)
  local t = {...}
  local function inner(a, b, ...) return a, b, select('#', ...), ... end
  local x, y, z = inner(...)
  return n, #t, x, y, z, inner(1, 2, 3, ...)
end

function loops(n)
  local acc, f = 0, 0.5
  for i = 1, n or 10 do acc = acc + i end
  for i = 10, 1, -3 do acc = acc - i end
  for x = 0.25, 2.0, 0.25 do f = f + x end
  for i = math.maxinteger - 2, math.maxinteger do acc = acc ~ i end
  local i = 0
  while i < 5 do i = i + 1; if i == 3 then goto skip end; acc = acc + i ::skip:: end
  repeat i = i - 1 local k = i * 2 until k < 2
  for k, v in pairs({a = 1, b = 2, 3, 4}) do acc = acc + (type(k) == "string" and v or 0) end
  return acc, f, i
end

function gotos(n)
  local out = {}
  local i = 1
  ::top::
  if i > (n or 5) then goto done end
  do
    local captured = i
    out[#out + 1] = function() return captured end
  end
  i = i + 1
  goto top
  ::done::
  for j = 1, 3 do
    for k = 1, 3 do
      if j * k == 4 then goto next_j end
      out[#out + 1] = j * k
    end
    ::next_j::
  end
  return #out
end

function tbc()
  local log = {}
  local mt = {__close = function(o, e) log[#log + 1] = o.name .. tostring(e) end}
  do
    local a <close> = setmetatable({name = "a"}, mt)
    local b <close> = setmetatable({name = "b"}, mt)
    local c <const> = 42
    log[#log + 1] = c
  end
  local ok, err = pcall(function()
    local z <close> = setmetatable({name = "z"}, mt)
    error("boom")
  end)
  for _, v in ipairs({1, 2}), nil, nil, setmetatable({name = "f"}, mt) do log[#log + 1] = v end
  return table.concat(log, ","), ok, err
end

function methods()
  local Account = {}
  Account.__index = Account
  function Account.new(b) return setmetatable({balance = b}, Account) end
  function Account:deposit(v) self.balance = self.balance + v; return self end
  function Account:get() return self.balance end
  local a = Account.new(10)
  a:deposit(5):deposit(7)
  local s = ("x"):rep(3):upper()
  return a:get(), s, ("%d-%s"):format(1, "y")
end

function nested(a)
  local function f1(b)
    local function f2(c)
      local function f3(d)
        return function(e) return a + b + c + d + (e or 0) end
      end
      return f3(c * 2)
    end
    return f2(b + 1)
  end
  return f1(a)(1)
end

function constants()
  local t = {
    1, 2, 3, 4.5, -6, "seven", "eight", true, false, nil,
    k1 = "v1", k2 = "v2", k3 = 3.25, k4 = 1e300, k5 = -0.0, k6 = 0x7fffffffffffffff,
    k7 = "a\0b", k8 = "\xff\xfe", k9 = math.mininteger, k10 = 2^53,
  }
  local s = 0
  s = s + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20
  s = s * 1.5 - 2.25 / 3 % 7 // 2 ^ 2
  s = s | 0 & 0xff ~ 0x0f << 2 >> 1
  local names = {"c001","c002","c003","c004","c005","c006","c007","c008","c009","c010",
    "c011","c012","c013","c014","c015","c016","c017","c018","c019","c020","c021","c022",
    "c023","c024","c025","c026","c027","c028","c029","c030","c031","c032","c033","c034",
    "c035","c036","c037","c038","c039","c040","c041","c042","c043","c044","c045","c046",
    "c047","c048","c049","c050","c051","c052","c053","c054","c055","c056","c057","c058",
    "c059","c060","c061","c062","c063","c064","c065","c066","c067","c068","c069","c070",
    "c071","c072","c073","c074","c075","c076","c077","c078","c079","c080","c081","c082",
    "c083","c084","c085","c086","c087","c088","c089","c090","c091","c092","c093","c094",
    "c095","c096","c097","c098","c099","c100","c101","c102","c103","c104","c105","c106",
    "c107","c108","c109","c110","c111","c112","c113","c114","c115","c116","c117","c118",
    "c119","c120","c121","c122","c123","c124","c125","c126","c127","c128","c129","c130",
    "c131","c132","c133","c134","c135","c136","c137","c138","c139","c140","c141","c142",
    "c143","c144","c145","c146","c147","c148","c149","c150","c151","c152","c153","c154",
    "c155","c156","c157","c158","c159","c160","c161","c162","c163","c164","c165","c166",
    "c167","c168","c169","c170","c171","c172","c173","c174","c175","c176","c177","c178",
    "c179","c180","c181","c182","c183","c184","c185","c186","c187","c188","c189","c190",
    "c191","c192","c193","c194","c195","c196","c197","c198","c199","c200","c201","c202",
    "c203","c204","c205","c206","c207","c208","c209","c210","c211","c212","c213","c214",
    "c215","c216","c217","c218","c219","c220","c221","c222","c223","c224","c225","c226",
    "c227","c228","c229","c230","c231","c232","c233","c234","c235","c236","c237","c238",
    "c239","c240","c241","c242","c243","c244","c245","c246","c247","c248","c249","c250",
    "c251","c252","c253","c254","c255","c256","c257","c258","c259","c260"}
  t.after = "after"
  t[names[1]] = t.after .. "x"
  return s, #names, t.k1, t.after, t.c001, t[3] == 3
end

function metatables()
  local V = {}
  V.__index = V
  V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
  V.__eq = function(a, b) return a.x == b.x end
  V.__lt = function(a, b) return a.x < b.x end
  V.__le = function(a, b) return a.x <= b.x end
  V.__len = function(a) return a.x end
  V.__call = function(self, y) return self.x * y end
  V.__concat = function(a, b) return "V" end
  V.__unm = function(a) return setmetatable({x = -a.x}, V) end
  V.__tostring = function(a) return "V(" .. a.x .. ")" end
  V.__newindex = function(t, k, v) rawset(t, k, v * 2) end
  local a, b = setmetatable({x = 1}, V), setmetatable({x = 2}, V)
  local c = a + b
  c.y = 5
  return c.x, a == b, a < b, a <= b, #c, c(3), a .. b, (-a).x, tostring(c), c.y
end

function coroutines(n)
  local gen = coroutine.wrap(function(a)
    for i = 1, n or 3 do a = coroutine.yield(i + (a or 0)) end
    return "done"
  end)
  local out = {}
  for i = 1, (n or 3) + 1 do out[#out + 1] = gen(i) end
  local co = coroutine.create(function(...) error({...}) end)
  local ok, e = coroutine.resume(co, 1, 2)
  return table.concat(out, " "), ok, type(e), coroutine.status(co)
end

function strings(s)
  s = s or "hello world"
  local parts = {}
  for w in s:gmatch("%a+") do parts[#parts + 1] = w:upper() end
  local r = s:gsub("o", "0"):sub(2, -2)
  return table.concat(parts, "-") .. r .. #s .. s:byte(1) .. string.char(65, 66)
end

function compare(a, b)
  a, b = a or 1, b or 2.5
  local r = {}
  r[1] = a < b; r[2] = a <= b; r[3] = a > b; r[4] = a >= b; r[5] = a == b; r[6] = a ~= b
  r[7] = a < 5; r[8] = a <= 5; r[9] = a > 5; r[10] = a >= 5; r[11] = a == 5; r[12] = a == "x"
  r[13] = not a; r[14] = a and b; r[15] = a or b; r[16] = nil and a or b
  return r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[16]
end

function errors()
  local ok1, e1 = pcall(function() local x = nil; return x.y end)
  local ok2, e2 = pcall(function() return 1 + {} end)
  local ok3, e3 = xpcall(function() error("m", 2) end, function(m) return "h:" .. tostring(m) end)
  local ok4, e4 = pcall(error, setmetatable({}, {__tostring = function() return "obj" end}))
  return ok1, e1, ok2, e2, ok3, e3, ok4, tostring(e4)
end

function recursion(n)
  local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
  local function tail(k, acc) if k == 0 then return acc end return tail(k - 1, acc + k) end
  return fib(n or 10), tail(100, 0)
end

function tables(n)
  local t = {}
  for i = 1, n or 20 do t[i] = i * i end
  table.insert(t, 1, 0)
  table.remove(t)
  table.sort(t, function(a, b) return a > b end)
  local u = {table.unpack(t, 1, 5)}
  local big = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60}
  return #t, #u, t[1], next({}), rawlen(big), rawget(big, 7), select(-1, table.unpack(big))
end

function dumps()
  local f = function(a, b) return a * b + 1 end
  local g = load(string.dump(f), "d", "b")
  local h = load(string.dump(f, true), "d", "b")
  return g(2, 3), h(4, 5), load("return ...", "=s", "t")(7)
end

function upvalues()
  local a, b, c = 1, 2, 3
  local function f()
    local function g() a = a + b; return function() c = c + a; return c end end
    return g()
  end
  local h = f()
  return h(), h(), a, b, c
end

function numeric()
  local i, f = 7, 7.0
  return i // 2, i % -3, f // 2, f % -3, 2^10, i / 2, -i, ~i, i << 62, i >> 1, 1 // 0.0,
    -1 // 0.0, math.tointeger(3.0), 3 | 1.0, math.type(1), math.type(1.0), 0x10p-1, 1e308 * 10
end

local results = {}
for _, name in ipairs({"closures", "varargs", "loops", "gotos", "tbc", "methods", "nested",
    "constants", "metatables", "coroutines", "strings", "compare", "errors", "recursion",
    "tables", "dumps", "upvalues", "numeric"}) do
  results[#results + 1] = select('#', pcall(_ENV[name], 3, 4, 5))
end
return #results
