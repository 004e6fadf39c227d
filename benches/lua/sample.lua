-- A module of ordinary application code, for the compile benchmark: a class helper, a JSON
-- encoder and decoder, a binary heap, an event queue and string utilities. It also runs
-- (`lua5.4 sample.lua` prints a check line), so it stays valid Lua 5.4.

local M = {}

---------------------------------------------------------------------------------------------
-- Classes

local function class(parent)
  local cls = {}
  cls.__index = cls
  if parent then
    setmetatable(cls, { __index = parent })
  end
  cls.new = function(...)
    local obj = setmetatable({}, cls)
    if obj.init then
      obj:init(...)
    end
    return obj
  end
  return cls
end
M.class = class

local Shape = class()

function Shape:init(name)
  self.name = name or "shape"
end

function Shape:area()
  return 0
end

function Shape:describe()
  return string.format("%s with area %.2f", self.name, self:area())
end

local Rect = class(Shape)

function Rect:init(w, h)
  Shape.init(self, "rect")
  self.w, self.h = w, h
end

function Rect:area()
  return self.w * self.h
end

local Circle = class(Shape)

function Circle:init(r)
  Shape.init(self, "circle")
  self.r = r
end

function Circle:area()
  return math.pi * self.r ^ 2
end

M.Shape, M.Rect, M.Circle = Shape, Rect, Circle

---------------------------------------------------------------------------------------------
-- JSON

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_array(t)
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then
      return false
    end
    n = n + 1
  end
  return n == #t
end

local encode

local function encode_table(t, out, depth)
  if depth > 64 then
    error("nesting too deep")
  end
  if is_array(t) then
    out[#out + 1] = "["
    for i = 1, #t do
      if i > 1 then
        out[#out + 1] = ","
      end
      encode(t[i], out, depth + 1)
    end
    out[#out + 1] = "]"
  else
    local keys = {}
    for k in pairs(t) do
      keys[#keys + 1] = tostring(k)
    end
    table.sort(keys)
    out[#out + 1] = "{"
    for i, k in ipairs(keys) do
      if i > 1 then
        out[#out + 1] = ","
      end
      out[#out + 1] = encode_string(k)
      out[#out + 1] = ":"
      encode(t[k] == nil and t[tonumber(k)] or t[k], out, depth + 1)
    end
    out[#out + 1] = "}"
  end
end

encode = function(v, out, depth)
  local kind = type(v)
  if kind == "nil" then
    out[#out + 1] = "null"
  elseif kind == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif kind == "number" then
    if v ~= v or v == math.huge or v == -math.huge then
      error("cannot encode " .. tostring(v))
    end
    out[#out + 1] = math.type(v) == "integer" and tostring(v) or string.format("%.14g", v)
  elseif kind == "string" then
    out[#out + 1] = encode_string(v)
  elseif kind == "table" then
    encode_table(v, out, depth)
  else
    error("cannot encode a " .. kind)
  end
end

function M.encode(v)
  local out = {}
  encode(v, out, 0)
  return table.concat(out)
end

local Parser = class()

function Parser:init(text)
  self.text, self.pos = text, 1
end

function Parser:fail(what)
  error(string.format("json: %s at position %d", what, self.pos), 0)
end

function Parser:skip()
  self.pos = self.text:find("[^ \t\r\n]", self.pos) or #self.text + 1
end

function Parser:peek()
  self:skip()
  return self.text:sub(self.pos, self.pos)
end

function Parser:expect(c)
  if self:peek() ~= c then
    self:fail("expected '" .. c .. "'")
  end
  self.pos = self.pos + 1
end

function Parser:string()
  self:expect('"')
  local parts = {}
  while true do
    local c = self.text:sub(self.pos, self.pos)
    if c == "" then
      self:fail("unterminated string")
    elseif c == '"' then
      self.pos = self.pos + 1
      return table.concat(parts)
    elseif c == "\\" then
      local e = self.text:sub(self.pos + 1, self.pos + 1)
      local map = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
      if e == "u" then
        local hex = self.text:sub(self.pos + 2, self.pos + 5)
        parts[#parts + 1] = utf8.char(tonumber(hex, 16))
        self.pos = self.pos + 6
      else
        parts[#parts + 1] = map[e] or e
        self.pos = self.pos + 2
      end
    else
      local stop = self.text:find('["\\]', self.pos) or #self.text + 1
      parts[#parts + 1] = self.text:sub(self.pos, stop - 1)
      self.pos = stop
    end
  end
end

function Parser:value()
  local c = self:peek()
  if c == "{" then
    self.pos = self.pos + 1
    local obj = {}
    if self:peek() == "}" then
      self.pos = self.pos + 1
      return obj
    end
    repeat
      local k = self:string()
      self:expect(":")
      obj[k] = self:value()
      local sep = self:peek()
      self.pos = self.pos + 1
    until sep ~= ","
    if self.text:sub(self.pos - 1, self.pos - 1) ~= "}" then
      self:fail("expected '}'")
    end
    return obj
  elseif c == "[" then
    self.pos = self.pos + 1
    local arr = {}
    if self:peek() == "]" then
      self.pos = self.pos + 1
      return arr
    end
    repeat
      arr[#arr + 1] = self:value()
      local sep = self:peek()
      self.pos = self.pos + 1
    until sep ~= ","
    if self.text:sub(self.pos - 1, self.pos - 1) ~= "]" then
      self:fail("expected ']'")
    end
    return arr
  elseif c == '"' then
    return self:string()
  end
  for word, value in pairs({ ["true"] = true, ["false"] = false, null = M.null }) do
    if self.text:sub(self.pos, self.pos + #word - 1) == word then
      self.pos = self.pos + #word
      return value
    end
  end
  local num = self.text:match("^-?%d+%.?%d*[eE]?[-+]?%d*", self.pos)
  if not num or num == "" then
    self:fail("unexpected character")
  end
  self.pos = self.pos + #num
  return math.tointeger(tonumber(num)) or tonumber(num)
end

M.null = setmetatable({}, { __tostring = function() return "null" end })

function M.decode(text)
  local p = Parser.new(text)
  local v = p:value()
  if p:peek() ~= "" then
    p:fail("trailing data")
  end
  return v
end

---------------------------------------------------------------------------------------------
-- A binary heap and an event queue on top of it

local Heap = class()

function Heap:init(less)
  self.items, self.less = {}, less or function(a, b) return a < b end
end

function Heap:push(x)
  local items, less = self.items, self.less
  local i = #items + 1
  items[i] = x
  while i > 1 do
    local parent = i // 2
    if not less(items[i], items[parent]) then
      break
    end
    items[i], items[parent] = items[parent], items[i]
    i = parent
  end
end

function Heap:pop()
  local items, less = self.items, self.less
  local top, n = items[1], #items
  if n == 0 then
    return nil
  end
  items[1] = items[n]
  items[n] = nil
  n = n - 1
  local i = 1
  while true do
    local l, r, m = 2 * i, 2 * i + 1, i
    if l <= n and less(items[l], items[m]) then m = l end
    if r <= n and less(items[r], items[m]) then m = r end
    if m == i then
      break
    end
    items[i], items[m] = items[m], items[i]
    i = m
  end
  return top
end

M.Heap = Heap

local Queue = class()

function Queue:init()
  self.heap = Heap.new(function(a, b)
    if a.time ~= b.time then
      return a.time < b.time
    end
    return a.seq < b.seq
  end)
  self.seq, self.now = 0, 0
end

function Queue:at(time, fn, ...)
  self.seq = self.seq + 1
  self.heap:push({ time = time, seq = self.seq, fn = fn, args = table.pack(...) })
end

function Queue:run(limit)
  local done = 0
  for ev in function() return self.heap:pop() end do
    self.now = ev.time
    ev.fn(self, table.unpack(ev.args, 1, ev.args.n))
    done = done + 1
    if limit and done >= limit then
      break
    end
  end
  return done
end

M.Queue = Queue

---------------------------------------------------------------------------------------------
-- Strings

function M.split(s, sep)
  local out, init = {}, 1
  while true do
    local i, j = s:find(sep, init, true)
    if not i then
      out[#out + 1] = s:sub(init)
      return out
    end
    out[#out + 1] = s:sub(init, i - 1)
    init = j + 1
  end
end

function M.trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

function M.wrap(text, width)
  local lines, line = {}, ""
  for word in text:gmatch("%S+") do
    if #line > 0 and #line + 1 + #word > width then
      lines[#lines + 1] = line
      line = word
    else
      line = #line > 0 and line .. " " .. word or word
    end
  end
  if #line > 0 then
    lines[#lines + 1] = line
  end
  return lines
end

function M.template(s, vars)
  return (s:gsub("%${(%w+)}", function(name)
    local v = vars[name]
    return v ~= nil and tostring(v) or "${" .. name .. "}"
  end))
end

---------------------------------------------------------------------------------------------
-- A self-check, so that the module stays correct as well as valid.

local function check()
  local shapes = { Rect.new(2, 3), Circle.new(1), Rect.new(4, 0.5) }
  local total = 0
  for _, s in ipairs(shapes) do
    total = total + s:area()
  end
  local doc = M.decode(M.encode({ list = { 1, 2.5, "x\n" }, ok = true, name = "tape" }))
  local q, log = Queue.new(), {}
  for i = 5, 1, -1 do
    q:at(i, function(self, tag) log[#log + 1] = tag .. "@" .. self.now end, "e" .. i)
  end
  q:run()
  local words = M.split("a,b,,c", ",")
  local wrapped = M.wrap("the quick brown fox jumps over the lazy dog", 10)
  return string.format("%.4f %s %s %d %s %d %s", total, doc.name, doc.list[3] == "x\n",
    #words, table.concat(log, " "), #wrapped, M.template("${a}-${b}", { a = 1 }))
end

M.check = check

if ... == nil then
  print(check())
end

return M
