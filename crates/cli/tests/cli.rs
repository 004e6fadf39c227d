//! The `tape` command's behaviour as a `lua`-compatible front end: options, the `arg` table,
//! standard input, error reporting and exit status, and the `--list` disassembly. Expected texts
//! are what `lua5.4` prints for the same command lines, with `lua5.4` replaced by `tape`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn tape(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tape"))
        .args(args)
        .current_dir(scratch_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tape starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("tape finishes")
}

/// A directory with the small scripts these tests run.
fn scratch_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(make_scratch_dir).clone()
}

fn make_scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tape-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(
        dir.join("args.lua"),
        "print(...)\nprint(arg[-1] ~= nil, arg[0], arg[1], arg[2], #arg)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("shebang.lua"),
        "#!/usr/bin/env tape\nprint('ok')\nerror('line three')\n",
    )
    .unwrap();
    std::fs::write(dir.join("syntax.lua"), "x = = 1\n").unwrap();
    std::fs::write(dir.join("fib.lua"), "local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end\nprint(fib(20))\n").unwrap();
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn script_gets_varargs_and_arg_table() {
    let o = tape(&["args.lua", "a", "b"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "a\tb\ntrue\targs.lua\ta\tb\t2\n");
}

#[test]
fn options_before_the_script_get_negative_indices() {
    let o = tape(&["-e", "x=1", "args.lua", "z"], "");
    assert_eq!(stdout(&o), "z\ntrue\targs.lua\tz\tnil\t1\n");
    let o = tape(
        &[
            "-e",
            "print(arg[-2], arg[-1], arg[0], arg[1])",
            "args.lua",
            "z",
        ],
        "",
    );
    assert_eq!(
        stdout(&o).lines().next(),
        Some("-e\tprint(arg[-2], arg[-1], arg[0], arg[1])\targs.lua\tz")
    );
}

#[test]
fn e_options_run_in_order() {
    let o = tape(&["-e", "print(x)", "-e", "x=1", "-e", "print(x)"], "");
    assert!(o.status.success());
    assert_eq!(stdout(&o), "nil\n1\n");
}

#[test]
fn dash_runs_stdin_with_arguments() {
    let o = tape(&["-", "a", "b"], "print('stdin', ...)");
    assert_eq!(stdout(&o), "stdin\ta\tb\n");
    // With no script and a non-terminal stdin, stdin is the program.
    let o = tape(&[], "print(1 + 1)");
    assert_eq!(stdout(&o), "2\n");
}

#[test]
fn uncaught_error_prints_message_traceback_and_fails() {
    let o = tape(&["shebang.lua"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "ok\n");
    let err = stderr(&o);
    assert!(
        err.starts_with("tape: shebang.lua:3: line three\nstack traceback:\n"),
        "{err}"
    );
}

#[test]
fn error_objects_are_described() {
    let o = tape(&["-e", "error({})"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("tape: (error object is a table value)\n"),
        "{}",
        stderr(&o)
    );
    let o = tape(
        &[
            "-e",
            "error(setmetatable({}, {__tostring=function() return 'OBJ' end}))",
        ],
        "",
    );
    assert_eq!(stderr(&o), "tape: OBJ\n");
}

#[test]
fn syntax_errors_have_no_traceback() {
    let o = tape(&["syntax.lua"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "tape: syntax.lua:1: unexpected symbol near '='\n"
    );
    let o = tape(&["-e", "print(1"], "");
    assert_eq!(
        stderr(&o),
        "tape: (command line):1: ')' expected near <eof>\n"
    );
}

#[test]
fn missing_file_and_bad_option() {
    let o = tape(&["nofile.lua"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "tape: cannot open nofile.lua: No such file or directory\n"
    );
    let o = tape(&["-x"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o)
        .starts_with("tape: unrecognized option '-x'\nusage: tape [options] [script [args]]\n"));
}

#[test]
fn version_and_interactive_mode() {
    let o = tape(&["-v"], "");
    assert!(stdout(&o).starts_with("Tape "), "{}", stdout(&o));
    let o = tape(
        &["-i"],
        "x = 2\nx * 21\nfunction f()\n  return 'multi'\nend\nf()\n1, nil, 'three'\nerror('oops')\n",
    );
    // Everything after the banner line is what `lua5.4 -i` prints with the same piped input:
    // prompts, the echoed lines, values, and errors without the program name.
    let out = stdout(&o);
    let (_banner, rest) = out.split_once('\n').expect("a banner line");
    assert_eq!(
        rest,
        "> x = 2\n> x * 21\n42\n> function f()\n>>   return 'multi'\n>> end\n> f()\nmulti\n\
         > 1, nil, 'three'\n1\tnil\tthree\n> error('oops')\n> \n"
    );
    assert_eq!(
        stderr(&o),
        "stdin:1: oops\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n\t[C]: in ?\n"
    );
    assert!(o.status.success());
}

#[test]
fn list_prints_bytecode() {
    let o = tape(&["--list", "fib.lua"], "");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("RETURN"), "{out}");
    assert!(out.contains("CALL"), "{out}");
    assert!(out.contains("fib.lua"), "{out}");
}

#[test]
fn limit_options_stop_a_runaway_script() {
    let out = tape(&["--fuel", "100000", "-e", "while true do end"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "tape: (command line):1: fuel exhausted\nstack traceback:\n\t(command line):1: in main chunk\n\t[C]: in ?\n"
    );
    let out = tape(
        &[
            "--timeout",
            "0.2",
            "-e",
            "local n = 0\nwhile true do n = n + 1 end",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("tape: (command line):2: time limit exceeded\n"));
    let out = tape(
        &[
            "--memory-limit",
            "8M",
            "-e",
            "local t = {} for i = 1, 1e7 do t[i] = {} end",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("tape: not enough memory"));
    let out = tape(&["--memory-limit", "lots"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("tape: bad value for '--memory-limit': 'lots'\n"));
}

#[test]
fn ctrl_c_interrupts_the_running_script_as_lua_does() {
    let child = Command::new(env!("CARGO_BIN_EXE_tape"))
        .args(["-e", "local function f() while true do end end\nf()"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tape starts");
    // Give it time to install its handler and enter the loop.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = child.wait_with_output().expect("tape finishes");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "tape: (command line):1: interrupted!\nstack traceback:\n\t(command line):1: in local 'f'\n\t(command line):2: in main chunk\n\t[C]: in ?\n"
    );
}

/// Peak resident memory of a `tape --memory-limit 32M` run of `bomb` (under `pcall`), in KiB,
/// as the script itself reads it from `/proc/self/status` afterwards, and the bomb's error.
fn peak_after(bomb: &str) -> (u64, String) {
    let script = format!(
        "local ok, e = pcall(function() {bomb} end)\n\
         print(ok, e)\n\
         for l in io.lines('/proc/self/status') do\n\
           local kb = l:match('^VmHWM:%s*(%d+)') if kb then print(kb) end\n\
         end"
    );
    let out = tape(&["--memory-limit", "32M", "-e", &script], "");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("").to_string();
    let kb = lines
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(u64::MAX);
    (kb, first)
}

#[test]
fn string_building_natives_stay_under_the_memory_cap() {
    if !std::path::Path::new("/proc/self/status").exists() {
        return; // no procfs here: nothing to measure with
    }
    for bomb in [
        "return string.rep('x', 2^31 - 1)",
        "local s = string.rep('x', 2^23) return s:rep(40)",
        "local s = string.rep('x', 2^23) return string.format('%s%s%s%s%s', s, s, s, s, s)",
        "local s = string.rep('x', 2^23) return string.pack('s4s4s4s4s4', s, s, s, s, s)",
        "local s = string.rep('x', 2^22) return (s:gsub('x', 'yyyyyyyy'))",
        "local s = string.rep('x', 2^22) return (s:gsub('x', function() return 'yyyyyyyy' end))",
        "local s = string.rep('x', 2^23) local t = {} for i = 1, 40 do t[i] = s end return table.concat(t)",
        "local s = string.rep('x', 2^23) return s .. s .. s .. s .. s",
        "local t = {} for i = 1, 1e8 do t[i] = i end",
    ] {
        let (kb, first) = peak_after(bomb);
        assert!(first.starts_with("false\t"), "{bomb}: {first}");
        assert!(first.ends_with("not enough memory"), "{bomb}: {first}");
        // The cap plus the documented 16 MiB allowance (the interpreter itself included).
        assert!(kb <= (32 + 16) * 1024, "{bomb}: peak {kb} KiB");
    }
}

#[test]
fn sandbox_option_opens_only_the_sandbox_libraries() {
    let out = tape(
        &[
            "--sandbox",
            "-e",
            "print(io, os.exit, debug, require, os.time ~= nil, string.rep('a', 3))",
        ],
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "nil\tnil\tnil\tnil\ttrue\taaa\n"
    );
    assert_eq!(out.status.code(), Some(0));
}
