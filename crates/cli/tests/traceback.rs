//! Uncaught errors print `stack traceback:` exactly as `lua5.4` does (with `lua5.4:` replaced
//! by `tape:`): frame names (`in local`, `in method`, `in upvalue`, `in function 'g'` for
//! globals, `in function 'string.rep'` for library functions, `in function <file:line>`),
//! and long tracebacks elided in the middle.

use std::process::Command;

/// Runs `src` as a script file named `name` and returns (exit code, stderr).
fn run(name: &str, src: &str) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("tape-traceback-{}-{}", std::process::id(), name));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join(name), src).expect("write script");
    let out = Command::new(env!("CARGO_BIN_EXE_tape"))
        .arg(name)
        .current_dir(&dir)
        .output()
        .expect("tape runs");
    let _ = std::fs::remove_dir_all(&dir);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(name: &str, src: &str, want: &str) {
    let (code, err) = run(name, src);
    assert_eq!(code, Some(1));
    assert_eq!(err, want);
}

#[test]
fn named_frames() {
    check(
"a.lua",
"local function lf() error(\"boom\") end\nfunction g(x) lf() end\nlocal t = {}\nfunction t.m(self) g(1) end\nlocal obj = {m = t.m}\nobj:m()\n",
"tape: a.lua:1: boom\nstack traceback:\n\t[C]: in function 'error'\n\ta.lua:1: in upvalue 'lf'\n\ta.lua:2: in function 'g'\n\ta.lua:4: in method 'm'\n\ta.lua:6: in main chunk\n\t[C]: in ?\n",
    );
}

#[test]
fn long_traceback_is_elided() {
    check(
"b.lua",
"local function rec(n) if n == 0 then error(\"deep\") end rec(n - 1) end\nrec(40)\n",
"tape: b.lua:1: deep\nstack traceback:\n\t[C]: in function 'error'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\t...\t(skipping 22 levels)\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in upvalue 'rec'\n\tb.lua:1: in local 'rec'\n\tb.lua:2: in main chunk\n\t[C]: in ?\n",
    );
}

#[test]
fn library_function_names() {
    check(
"c.lua",
"local s = string.rep(\"x\", -1, {})\n",
"tape: c.lua:1: bad argument #3 to 'rep' (string expected, got table)\nstack traceback:\n\t[C]: in function 'string.rep'\n\tc.lua:1: in main chunk\n\t[C]: in ?\n",
    );
}

#[test]
fn non_string_error_object() {
    check(
"d.lua",
"local function f() return error({}) end\n(function() f() end)()\n",
"tape: (error object is a table value)\nstack traceback:\n\t[C]: in function 'error'\n\td.lua:1: in upvalue 'f'\n\td.lua:2: in function <d.lua:2>\n\td.lua:2: in main chunk\n\t[C]: in ?\n",
    );
}

#[test]
fn error_in_close_while_unwinding_shows_the_close() {
    // The failed frames are gone when the `__close` runs, as in PUC.
    check(
"e.lua",
"local t <close> = setmetatable({}, {__close = function() error(\"in close\") end})\nerror(\"main\")\n",
"tape: e.lua:1: in close\nstack traceback:\n\t[C]: in function 'error'\n\te.lua:1: in function <e.lua:1>\n\t[C]: in ?\n",
    );
}

#[test]
fn error_objects_with_bad_tostring() {
    // An error in `__tostring` is reported with its own traceback above the first one.
    check(
"f.lua",
"local function f()\n  error(setmetatable({}, {__tostring = function() error(\"inner\") end}))\nend\nf()\n",
"tape: f.lua:2: inner\nstack traceback:\n\t[C]: in function 'error'\n\tf.lua:2: in function <f.lua:2>\n\t[C]: in ?\n\t[C]: in function 'error'\n\tf.lua:2: in local 'f'\n\tf.lua:4: in main chunk\n\t[C]: in ?\n",
    );
    // A `__tostring` giving a number does not make a message.
    check(
"g.lua",
"error(setmetatable({}, {__tostring = function() return 42 end}))\n",
"tape: (error object is a table value)\nstack traceback:\n\t[C]: in function 'error'\n\tg.lua:1: in main chunk\n\t[C]: in ?\n",
    );
}

#[test]
fn tail_calls_are_marked() {
    check(
"h.lua",
"local function f() error(\"tail\") end\nlocal function g() return f() end\nlocal function h() g() end\nh()\n",
"tape: h.lua:1: tail\nstack traceback:\n\t[C]: in function 'error'\n\th.lua:1: in function <h.lua:1>\n\t(...tail calls...)\n\th.lua:3: in local 'h'\n\th.lua:4: in main chunk\n\t[C]: in ?\n",
    );
}

/// 22 levels are shown whole; from 23 on the middle is elided (lua5.4's output). Only the
/// shown lines are built, so the traceback of a stack overflow with hundreds of thousands of
/// frames is as cheap as this one.
#[test]
fn elision_starts_past_22_levels() {
    let src = |n: u32| {
        format!(
            "local function rec(n) if n == 0 then error(\"deep\") end rec(n - 1) end\nrec({n})\n"
        )
    };
    let want = |name: &str, before: usize, skip: Option<usize>, after: usize| {
        let up = format!("\t{name}:1: in upvalue 'rec'\n");
        let mut w = format!("tape: {name}:1: deep\nstack traceback:\n\t[C]: in function 'error'\n");
        w.push_str(&up.repeat(before));
        if let Some(k) = skip {
            w.push_str(&format!("\t...\t(skipping {k} levels)\n"));
        }
        w.push_str(&up.repeat(after));
        w.push_str(&format!(
            "\t{name}:1: in local 'rec'\n\t{name}:2: in main chunk\n\t[C]: in ?\n"
        ));
        w
    };
    check("e18.lua", &src(18), &want("e18.lua", 18, None, 0));
    check("e19.lua", &src(19), &want("e19.lua", 9, Some(1), 8));
    check("e40.lua", &src(40), &want("e40.lua", 9, Some(22), 8));
}
