//! The sandbox preset: exactly the documented functions are reachable from a script, through
//! globals, library tables and metatables, and nothing else.

use tape::Tape;

fn run(t: &mut Tape, src: &str) -> Result<String, String> {
    match t.exec(src.as_bytes(), "=sandbox", &[]) {
        Ok(vals) => {
            let mut out = Vec::new();
            for v in vals {
                out.push(t.display(v).map_err(|e| e.message().to_string())?);
            }
            Ok(out.join("\t"))
        }
        Err(e) => Err(e.message().to_string()),
    }
}

/// Every function reachable from `_G` and the string metatable, by path.
const WALK: &str = r#"
local seen, found = {}, {}
local function walk(t, path)
  if seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    local p = path .. "." .. tostring(k)
    if type(v) == "table" then walk(v, p)
    elseif type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
      found[#found + 1] = p .. ":" .. type(v)
    end
  end
  local mt = getmetatable(t)
  if mt ~= nil then
    if type(mt) ~= "table" then found[#found + 1] = path .. ".<mt>:" .. type(mt)
    else walk(mt, path .. ".<mt>") end
  end
end
walk(_G, "_G")
walk(getmetatable(""), "<string mt>")
table.sort(found)
return table.concat(found, "\n")
"#;

#[test]
fn the_sandbox_reaches_exactly_the_documented_functions() {
    let mut t = Tape::sandboxed().unwrap();
    let got = run(&mut t, WALK).unwrap();
    let mut want: Vec<String> = Vec::new();
    for f in [
        "assert",
        "collectgarbage",
        "error",
        "getmetatable",
        "ipairs",
        "load",
        "next",
        "pairs",
        "pcall",
        "print",
        "rawequal",
        "rawget",
        "rawlen",
        "rawset",
        "select",
        "setmetatable",
        "tonumber",
        "tostring",
        "type",
        "warn",
        "xpcall",
    ] {
        want.push(format!("_G.{f}:function"));
    }
    for f in [
        "close",
        "create",
        "isyieldable",
        "resume",
        "running",
        "status",
        "wrap",
        "yield",
    ] {
        want.push(format!("_G.coroutine.{f}:function"));
    }
    for f in [
        "abs",
        "acos",
        "asin",
        "atan",
        "atan2",
        "ceil",
        "cos",
        "cosh",
        "deg",
        "exp",
        "floor",
        "fmod",
        "frexp",
        "ldexp",
        "log",
        "log10",
        "max",
        "min",
        "modf",
        "pow",
        "rad",
        "random",
        "randomseed",
        "sin",
        "sinh",
        "sqrt",
        "tan",
        "tanh",
        "tointeger",
        "type",
        "ult",
    ] {
        want.push(format!("_G.math.{f}:function"));
    }
    for f in ["clock", "date", "difftime", "time"] {
        want.push(format!("_G.os.{f}:function"));
    }
    let string_fns = [
        "byte", "char", "dump", "find", "format", "gmatch", "gsub", "len", "lower", "match",
        "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
    ];
    for f in string_fns {
        want.push(format!("_G.string.{f}:function"));
    }
    for f in [
        "concat", "insert", "move", "pack", "remove", "sort", "unpack",
    ] {
        want.push(format!("_G.table.{f}:function"));
    }
    for f in ["char", "codepoint", "codes", "len", "offset"] {
        want.push(format!("_G.utf8.{f}:function"));
    }
    // The string metatable: its `__index` is the string table (already walked), plus PUC's
    // arithmetic metamethods.
    for f in [
        "__add", "__div", "__idiv", "__mod", "__mul", "__pow", "__sub", "__unm",
    ] {
        want.push(format!("<string mt>.{f}:function"));
    }
    want.sort();
    let got: Vec<&str> = got.split('\n').collect();
    assert_eq!(got, want);
}

#[test]
fn the_sandbox_has_no_way_out() {
    let mut t = Tape::sandboxed().unwrap();
    for (src, want) in [
        ("return io", "nil"),
        ("return os.exit", "nil"),
        ("return os.execute", "nil"),
        ("return os.getenv", "nil"),
        ("return debug", "nil"),
        ("return package", "nil"),
        ("return require", "nil"),
        ("return dofile", "nil"),
        ("return loadfile", "nil"),
        (
            "return load(string.dump(function() return 1 end))",
            "nil\tattempt to load a binary chunk (binary chunks are disabled)",
        ),
        ("return load('return 1 + 1')()", "2"),
        (
            "return os.time{year=2020, month=1, day=1, hour=12}",
            "1577880000",
        ),
    ] {
        assert_eq!(run(&mut t, src), Ok(want.to_string()), "{src}");
    }
    // The full preset is unchanged.
    let mut full = Tape::new();
    assert_eq!(
        run(&mut full, "return type(io.open)"),
        Ok("function".to_string())
    );
}

#[test]
fn the_builder_sets_limits() {
    let mut t = Tape::builder()
        .sandboxed()
        .memory_limit(4 << 20)
        .fuel(100_000)
        .build()
        .unwrap();
    assert_eq!(
        run(&mut t, "while true do end"),
        Err("sandbox:1: fuel exhausted".to_string())
    );
    t.vm().set_fuel(None);
    assert_eq!(
        run(&mut t, "local t = {} for i = 1, 1e7 do t[i] = {} end"),
        Err("not enough memory".to_string())
    );
    let mut b = Tape::builder()
        .sandboxed()
        .binary_chunks(true)
        .build()
        .unwrap();
    assert_eq!(
        run(
            &mut b,
            "return load(string.dump(function() return 7 end))()"
        ),
        Ok("7".to_string())
    );
}
