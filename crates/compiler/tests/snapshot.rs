//! Codegen snapshots: the listing of small programs, compared with files under
//! `tests/snapshots/` (regenerate with `UPDATE_SNAPSHOTS=1`, then review each diff by hand).

use std::path::PathBuf;

fn listing(src: &str) -> String {
    let ast = tape_syntax::parse(src.as_bytes(), "@snap.lua").expect("parse");
    let proto = tape_compiler::compile(&ast, "@snap.lua").expect("compile");
    tape_bytecode::verify::verify(&proto).expect("verify");
    tape_bytecode::listing::list(&proto)
}

fn check(name: &str, src: &str) {
    let got = format!(
        "-- source:\n{}\n-- listing:\n{}",
        src.trim_end(),
        listing(src)
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{}.txt", name));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &got).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if want != got {
        panic!("snapshot {} differs; got:\n{}", name, got);
    }
}

#[test]
fn show() {
    if let Ok(src) = std::env::var("SHOW_LUA") {
        println!("{}", listing(&src));
    }
}

#[test]
fn fib() {
    check("fib", "local function fib(n)\n  if n < 2 then return n end\n  return fib(n - 1) + fib(n - 2)\nend\nprint(fib(20))\n");
}

#[test]
fn numeric_for() {
    check("numeric_for", "local sum = 0\nfor i = 1, 100 do sum = sum + i end\nfor i = 10, 1, -2 do sum = sum - i end\nfor x = 0.5, 2 do end\nreturn sum\n");
}

#[test]
fn generic_for() {
    check("generic_for", "local t = {10, 20, 30}\nlocal n = 0\nfor k, v in pairs(t) do\n  n = n + k * v\nend\nfor i, v in ipairs(t) do if v > 15 then break end end\nreturn n\n");
}

#[test]
fn while_repeat() {
    check(
        "while_repeat",
        "local i, acc = 0, 1\nwhile i < 10 and acc ~= 0 do\n  i = i + 1\n  acc = acc * 2\nend\nrepeat\n  local j = i\n  i = i - 1\nuntil j <= 1\nreturn i, acc\n",
    );
}

#[test]
fn closures_in_loops() {
    check(
        "closures_in_loops",
        "local fs = {}\nfor i = 1, 3 do\n  fs[i] = function() return i end\nend\nlocal j = 0\nwhile j < 3 do\n  local k = j\n  fs[#fs + 1] = function() k = k + 1; return k end\n  j = j + 1\nend\nrepeat\n  local r = j\n  fs[r] = function() return r end\n  j = j - 1\nuntil r == 0\nreturn fs\n",
    );
}

#[test]
fn varargs() {
    check(
        "varargs",
        "local a, b = ...\nlocal t = {...}\nlocal n = select('#', ...)\nlocal function f(x, ...)\n  return x, ...\nend\nprint(f(...))\nprint((f(1, 2)))\nreturn ..., n\n",
    );
}

#[test]
fn method_calls() {
    check(
        "method_calls",
        "local obj = {n = 0}\nfunction obj:inc(d) self.n = self.n + d; return self end\nfunction obj.get(self) return self.n end\nobj:inc(1):inc(2)\nlocal s = (\"x\"):rep(3)\nreturn obj:get(), s:upper()\n",
    );
}

#[test]
fn goto_labels() {
    check(
        "goto_labels",
        "for i = 1, 3 do\n  for j = 1, 3 do\n    if j == 2 then goto continue end\n    print(i, j)\n    ::continue::\n  end\nend\ndo\n  local k = 0\n  ::top::\n  local f = function() return k end\n  k = k + 1\n  if k < 3 then goto top end\nend\ngoto done\nprint('skipped')\n::done::\n",
    );
}

#[test]
fn and_or_not() {
    check(
        "and_or_not",
        "local a, b, c = ...\nlocal x = a and b or c\nlocal y = not a\nlocal z = a == b\nif a and (b or not c) then x = 1 elseif a ~= nil then x = 2 else x = 3 end\nlocal w = (a or 1) + 1\nreturn x, y, z, w, a > 1, 1 < a, a >= 200, a <= 'k'\n",
    );
}

#[test]
fn constants_and_folding() {
    check(
        "constants_and_folding",
        "local N <const> = 10\nlocal S <const> = 'name'\nlocal F <const> = N * 2.5\nlocal x = N + 1\nlocal y = 2^53 + 1\nlocal z = 1 // 0, 7 // 2, 7 % -3, -0.0, 0/0, 3 & 1.0, 1 << 64, ~0\nlocal big = 1e100\nlocal i = 1, 1.0, 'a', 'a', 123456789012\nreturn N, S, F, x, y, z, big, i, function() return N + F, S end\n",
    );
}

#[test]
fn tables() {
    let items: Vec<String> = (1..=53).map(|i| i.to_string()).collect();
    check(
        "tables",
        &format!(
            "local e = {{}}\nlocal t = {{1, 2, x = 3, [4] = 5, ['k'] = 6, [e] = 7, f()}}\nlocal big = {{{}}}\nt.a.b = t[1] + t[e] + t.x\nt[300] = e\nreturn {{...}}, {{f(), nil}}, big\n",
            items.join(", ")
        ),
    );
}

#[test]
fn upvalues() {
    check(
        "upvalues",
        "local a = 1\nlocal function outer()\n  local b = 2\n  return function()\n    a = a + b\n    return function() return a, b, x end\n  end\nend\nlocal _ENV = {x = 1}\ny = a\nreturn outer\n",
    );
}

#[test]
fn assignments() {
    check(
        "assignments",
        "local a, b, c = 1\na, b = b, a\nlocal t = {}\nt.x, t.y = t.y, t.x\nt, t.x = 1, 2\na, b, c = f()\na, b = f(), 1, 2\ng = a\nt[a] = g\nt.x, t = 1, 2\nt[a], a = 1, 2\n",
    );
}

#[test]
fn concat_and_arith() {
    check(
        "concat_and_arith",
        "local a, b, c = ...\nlocal s = a .. b .. c .. 'x'\nlocal d = (a .. b) .. c\nlocal r = a + 1 - 2 * b / 3 % c ^ 2 // 1 - (1 - a)\nlocal q = a & 3 | b ~ 5 << 1 >> c\nlocal m = -a, #b, ~c, 300 + a, a + 40000, a - 1.5\nreturn s, d, r, q, m\n",
    );
}

#[test]
fn to_be_closed() {
    check(
        "to_be_closed",
        "local function f(x)\n  local h <close> = x\n  do\n    local g <close> = x\n    if x then return g end\n  end\n  return f(h)\nend\nfor i = 1, 2 do\n  local c <close> = f\n  if i == 1 then break end\nend\nreturn f(1)\n",
    );
}
