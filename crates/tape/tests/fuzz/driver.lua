-- The fuzz driver (tests/fuzz.rs): loads one chunk into a sandbox and runs it under an
-- instruction budget. The budget is a count hook on every thread the guest runs in (hooks
-- belong to a thread, so coroutine bodies and finalizers install it themselves); once the
-- budget is spent the hook fires at every instruction and raises an error, which no guest
-- `pcall` can absorb for long. The sandbox has no io, os, debug or require, and wraps the
-- natives that could loop without running instructions.
local BUDGET = tonumber((...))
local sethook, pcall, load, error, rawget, rawset = debug.sethook, pcall, load, error, rawget, rawset
local setmetatable, type, co, tmove = setmetatable, type, coroutine, table.move
local spent, limit = 0, 0

local function hook()
  spent = spent + 100
  if spent > limit then
    sethook(hook, "", 1)
    error("fuzz: instruction budget exhausted", 0)
  end
end

local function hooked(f)
  return function(...)
    sethook(hook, "", 100)
    return f(...)
  end
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local env = {}
for _, k in ipairs({"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "rawequal", "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type",
    "xpcall", "collectgarbage"}) do
  env[k] = _ENV[k]
end
env._G = env
env._VERSION = _VERSION
env.print = function() end
env.string = copy(string)
env.math = copy(math)
env.utf8 = copy(utf8)
env.table = copy(table)
env.table.move = function(a1, f, e, t, a2)
  if type(f) == "number" and type(e) == "number" and e - f > 100000 then
    error("fuzz: table.move range too large")
  end
  return tmove(a1, f, e, t, a2)
end
env.coroutine = copy(coroutine)
env.coroutine.create = function(f) return co.create(hooked(f)) end
env.coroutine.wrap = function(f) return co.wrap(hooked(f)) end
env.setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    rawset(mt, "__gc", hooked(rawget(mt, "__gc")))
  end
  return setmetatable(t, mt)
end
env.load = function(chunk, name, mode) return load(chunk, name, mode, env) end

-- The environment of the unhooked runs (through the interpreter's inline fast paths), which
-- the host bounds with the VM's fuel budget: nothing that catches errors or loads code.
local fast_env = {}
for _, k in ipairs({"assert", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal",
    "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type", "print", "string",
    "math", "utf8", "table", "_VERSION"}) do
  fast_env[k] = env[k]
end
fast_env._G = fast_env
fast_env.setmetatable = function(t, mt)
  if type(mt) == "table" then rawset(mt, "__gc", nil) end
  return setmetatable(t, mt)
end

-- Runs a chunk without a hook (the host has set a fuel budget).
function run_fast(bytes, mode)
  local f, err = load(bytes, "=fuzz", mode, fast_env)
  if not f then
    return "rejected", err
  end
  local ok, e = pcall(f, 1, "two", {3})
  return ok and "ok" or "error", e
end

-- Runs one case; returns a short outcome tag (the host only counts them).
function run_case(bytes, mode)
  local f, err = load(bytes, "=fuzz", mode, env)
  if not f then
    return "rejected", err
  end
  spent, limit = 0, BUDGET
  sethook(hook, "", 100)
  local ok, e = pcall(f, 1, "two", {3})
  limit = -1
  sethook()
  return ok and "ok" or "error", e
end
