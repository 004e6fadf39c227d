-- Training workload for the PGO profile (tools/pgo/pgo.py): a tokenizer, a recursive-descent
-- parser and a tree-walking evaluator, the shape of real programs written in Lua.
local reps = tonumber(arg and arg[1]) or 300

local function tokenize(src)
  local toks, pos = {}, 1
  while pos <= #src do
    local c = src:sub(pos, pos)
    if c:match("%s") then
      pos = pos + 1
    elseif c:match("%d") then
      local s, e = src:find("^%d+%.?%d*", pos)
      toks[#toks + 1] = {kind = "num", value = tonumber(src:sub(s, e))}
      pos = e + 1
    elseif c:match("[%a_]") then
      local s, e = src:find("^[%w_]+", pos)
      toks[#toks + 1] = {kind = "name", value = src:sub(s, e)}
      pos = e + 1
    else
      toks[#toks + 1] = {kind = "op", value = c}
      pos = pos + 1
    end
  end
  return toks
end

local Parser = {}
Parser.__index = Parser
local prec = {["+"] = 1, ["-"] = 1, ["*"] = 2, ["/"] = 2, ["%"] = 2}
function Parser.new(toks) return setmetatable({toks = toks, i = 1}, Parser) end
function Parser:peek() return self.toks[self.i] end
function Parser:next() local t = self.toks[self.i]; self.i = self.i + 1; return t end
function Parser:primary()
  local t = self:next()
  if t.kind == "num" then return {tag = "num", t.value} end
  if t.kind == "name" then return {tag = "var", t.value} end
  if t.value == "(" then
    local e = self:expr(0)
    self:next()
    return e
  end
  if t.value == "-" then return {tag = "neg", self:primary()} end
  error("unexpected " .. tostring(t.value))
end
function Parser:expr(min)
  local lhs = self:primary()
  while true do
    local t = self:peek()
    local p = t and t.kind == "op" and prec[t.value]
    if not p or p <= min then return lhs end
    self:next()
    lhs = {tag = "bin", op = t.value, lhs, self:expr(p)}
  end
end

local function eval(e, env)
  local tag = e.tag
  if tag == "num" then return e[1]
  elseif tag == "var" then return env[e[1]] or 0
  elseif tag == "neg" then return -eval(e[1], env)
  end
  local a, b = eval(e[1], env), eval(e[2], env)
  local op = e.op
  if op == "+" then return a + b elseif op == "-" then return a - b
  elseif op == "*" then return a * b elseif op == "/" then return a / b
  else return a % b end
end

local src = "(x + 3) * (y - 2) / 4 + x * x % 7 - -(z + 1.5) * 2 + (a + b + c) * (a - b)"
local env = {x = 3, y = 10, z = 0.5, a = 1, b = 2, c = 3}
local total, ntok = 0, 0
for r = 1, reps do
  local toks = tokenize(src .. " + " .. r)
  ntok = ntok + #toks
  local tree = Parser.new(toks):expr(0)
  env.x = r % 17
  total = total + eval(tree, env)
end
local ok, err = pcall(function() return Parser.new(tokenize("1 + )")):expr(0) end)
print(string.format("%.4f", total), ntok, ok, err)
