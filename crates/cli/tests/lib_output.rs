//! Behaviour of the `tape` command that a script's own output cannot show: when standard output
//! reaches the OS (as seen by a reader of a pipe shared with standard error, and on a
//! terminal), and `os.clock` measuring CPU time rather than wall-clock time. The expected texts
//! are what `lua5.4` produces for the same scripts.

use std::path::PathBuf;
use std::process::Command;

fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tape-lib-output-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write script");
    path
}

/// Writes `text` as a script and runs it with standard error sent to the pipe of standard
/// output, returning what the reader of that pipe saw.
fn run_merged(name: &str, text: &str) -> String {
    let path = scratch(name, text);
    let out = Command::new("sh")
        .arg("-c")
        .arg("cd \"$(dirname \"$1\")\" && exec \"$0\" \"$(basename \"$1\")\" 2>&1")
        .arg(env!("CARGO_BIN_EXE_tape"))
        .arg(&path)
        .output()
        .expect("sh runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Replaces each run of `x` by `<x*N>` so long outputs compare readably.
fn squeeze(s: &str) -> String {
    let mut out = String::new();
    let mut run = 0;
    for c in s.chars() {
        if c == 'x' {
            run += 1;
            continue;
        }
        if run > 0 {
            out.push_str(&format!("<x*{run}>"));
            run = 0;
        }
        out.push(c);
    }
    if run > 0 {
        out.push_str(&format!("<x*{run}>"));
    }
    out
}

/// On a pipe, standard output is fully buffered in blocks of the pipe's size; `print` flushes;
/// `setvbuf` changes the buffering; standard error is unbuffered; an error message and a
/// warning do not flush standard output, which is written at exit after the finalizers ran.
#[test]
fn stdout_on_a_pipe_is_buffered_as_lua54s() {
    let script = r#"io.write("a1 ")
io.stderr:write("E1 ")
print("p1")
io.stderr:write("E2 ")
io.write("a2\n")
io.stderr:write("E3 ")
io.write(string.rep("x", 5000))
io.stderr:write("E4 ")
io.stdout:setvbuf("line")
io.write("l1\nl2")
io.stderr:write("E5 ")
io.stdout:setvbuf("no")
io.write("n1")
io.stderr:write("E6 ")
io.stdout:setvbuf("full")
io.write("f1")
io.stderr:write("E7 ")
local t = setmetatable({}, {__gc = function() io.stderr:write("GC ") end})
warn("@on")
warn("W")
io.write("end")
error("boom")
"#;
    let seen = squeeze(&run_merged("pipe.lua", script));
    assert_eq!(
        seen,
        "E1 a1 p1\nE2 E3 a2\n<x*4093>E4 <x*907>l1\nE5 l2n1E6 f1E7 Lua warning: W\nendtape: \
         pipe.lua:22: boom\nstack traceback:\n\t[C]: in function 'error'\n\tpipe.lua:22: in \
         main chunk\n\t[C]: in ?\nGC "
    );
}

/// Without an error, what standard output still holds is written after what finalizers write
/// to standard error; a file left open is flushed at exit.
#[test]
fn pending_output_is_written_at_exit() {
    let script = r#"io.write("x1")
local f = io.open("left-open.txt", "w")
f:write("kept")
setmetatable({}, {__gc = function() io.stderr:write("gc ") end})
"#;
    let seen = run_merged("exit.lua", script);
    assert_eq!(seen, "gc x1");
    let dir = scratch("exit.lua", script);
    let kept = std::fs::read_to_string(dir.with_file_name("left-open.txt")).expect("file");
    assert_eq!(kept, "kept");
}

/// On a terminal, standard output is line-buffered: each line appears when written, before
/// what is written to standard error afterwards. Run under `script` for a pseudo-terminal.
#[test]
fn stdout_on_a_terminal_is_line_buffered() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let script = r#"io.write("a\n")
io.write("b")
io.stderr:write("E")
print("p")
io.write("c")
io.stderr:write("F")
io.stdout:setvbuf("full")
io.write("d\n")
io.stderr:write("G")
io.stdout:setvbuf("no")
io.write("e")
io.stderr:write("H")
"#;
    let path = scratch("tty.lua", script);
    let cmd = format!("{} {}", env!("CARGO_BIN_EXE_tape"), path.display());
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("script runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "a\r\nEbp\r\nFcGd\r\neH"
    );
}

/// `os.clock` is the process's CPU time: it does not advance while the process sleeps, and
/// does while it computes.
#[test]
fn os_clock_counts_cpu_time() {
    let script = r#"local a = os.clock()
os.execute("sleep 0.4")
local b = os.clock()
local x = 0
for i = 1, 3000000 do x = x + i % 7 end
local c = os.clock()
print(b - a < 0.1, c > b, math.type(c))
"#;
    let path = scratch("clock.lua", script);
    let out = Command::new(env!("CARGO_BIN_EXE_tape"))
        .arg(&path)
        .output()
        .expect("tape runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "true\ttrue\tfloat\n");
}

/// A script file may start with a UTF-8 byte-order mark, before a `#` line too.
#[test]
fn script_with_a_byte_order_mark_runs() {
    for (name, text) in [
        (
            "bom1.lua",
            "\u{feff}print('bom ok', debug.getinfo(1, 'l').currentline)\n",
        ),
        (
            "bom2.lua",
            "\u{feff}#!/usr/bin/lua\nprint('bom ok', debug.getinfo(1, 'l').currentline)\n",
        ),
    ] {
        let path = scratch(name, text);
        let out = Command::new(env!("CARGO_BIN_EXE_tape"))
            .arg(&path)
            .output()
            .expect("tape runs");
        let line = if name == "bom1.lua" { 1 } else { 2 };
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("bom ok\t{line}\n")
        );
    }
}
