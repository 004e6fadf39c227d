//! `tape --trace` and `--trace-limit N`: one line per instruction with the registers read, the
//! registers written on the frame's next step, calls at depth + 1, a limit that stops tracing
//! but not the program, and debug hooks that see the same events with tracing on.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The scripts, written once (the tests run in parallel).
fn scratch() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(make_scratch).clone()
}

fn make_scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tape-trace-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(
        dir.join("t.lua"),
        "local function add(a, b)\n  return a + b\nend\nlocal t = {}\nt.x = add(1, 2)\nprint(t.x, \"hi\")\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("hooks.lua"),
        "local n = 0\ndebug.sethook(function(e, l) n = n + 1 print(e, l) end, 'l')\n\
         local s = 0\nfor i = 1, 3 do\n  s = s + i\nend\ndebug.sethook()\nprint(s, n)\n",
    )
    .unwrap();
    dir
}

fn tape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tape"))
        .args(args)
        .current_dir(scratch())
        .output()
        .expect("tape runs")
}

#[test]
fn trace_shows_each_instruction_with_its_registers() {
    let o = tape(&["--trace", "t.lua"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "3\thi\n");
    let err = String::from_utf8_lossy(&o.stderr);
    let masked: String = err
        .lines()
        .map(|l| {
            // Addresses vary from run to run.
            let mut out = String::new();
            let mut rest = l;
            while let Some(i) = rest.find("0x") {
                out.push_str(&rest[..i]);
                out.push_str("ADDR");
                rest = rest[i + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
            }
            out.push_str(rest);
            out + "\n"
        })
        .collect();
    assert_eq!(
        masked,
        "1 main <t.lua> pc 0 line 3: CLOSURE 0 0 ; function <1,3>\n\
         1 main <t.lua> pc 0 wrote: R0=function: ADDR\n\
         1 main <t.lua> pc 1 line 4: NEWTABLE 1 0 0\n\
         1 main <t.lua> pc 1 wrote: R1=table: ADDR\n\
         1 main <t.lua> pc 2 line 5: MOVE 2 0 | reads R0=function: ADDR\n\
         1 main <t.lua> pc 2 wrote: R2=function: ADDR\n\
         1 main <t.lua> pc 3 line 5: LOADI 3 1\n\
         1 main <t.lua> pc 3 wrote: R3=1\n\
         1 main <t.lua> pc 4 line 5: LOADI 4 2\n\
         1 main <t.lua> pc 4 wrote: R4=2\n\
         1 main <t.lua> pc 5 line 5: CALL 2 3 2 ; 2 in 1 out | reads R2=function: ADDR R3=1 R4=2\n\
         2 function <t.lua:1> pc 0 line 2: ADD 2 0 1 | reads R0=1 R1=2\n\
         2 function <t.lua:1> pc 0 wrote: R2=3\n\
         2 function <t.lua:1> pc 1 line 2: RETURN1 2 | reads R2=3\n\
         1 main <t.lua> pc 5 wrote: R2=3\n\
         1 main <t.lua> pc 6 line 5: SETFIELD 1 0 2 ; \"x\" | reads R1=table: ADDR R2=3\n\
         1 main <t.lua> pc 7 line 6: GETTABUP 2 0 1 ; _ENV \"print\"\n\
         1 main <t.lua> pc 7 wrote: R2=function: ADDR\n\
         1 main <t.lua> pc 8 line 6: GETFIELD 3 1 0 ; \"x\" | reads R1=table: ADDR\n\
         1 main <t.lua> pc 8 wrote: R3=3\n\
         1 main <t.lua> pc 9 line 6: LOADK 4 2 ; \"hi\"\n\
         1 main <t.lua> pc 9 wrote: R4=\"hi\"\n\
         1 main <t.lua> pc 10 line 6: CALL 2 3 1 ; 2 in 0 out | reads R2=function: ADDR R3=3 R4=\"hi\"\n\
         1 main <t.lua> pc 11 line 6: RETURN0\n"
    );
}

#[test]
fn trace_limit_stops_tracing_not_the_program() {
    let o = tape(&["--trace-limit", "2", "t.lua"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "3\thi\n");
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].starts_with("1 main <t.lua> pc 0 line 3: CLOSURE 0 0"));
    assert_eq!(lines[3], "trace limit reached");
    let o = tape(&["--trace-limit", "many", "t.lua"]);
    assert!(String::from_utf8_lossy(&o.stderr)
        .starts_with("tape: bad value for '--trace-limit': 'many'\n"));
}

#[test]
fn debug_hooks_see_the_same_events_while_tracing() {
    let plain = tape(&["hooks.lua"]);
    let traced = tape(&["--trace", "hooks.lua"]);
    assert!(plain.status.success() && traced.status.success());
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout),
        String::from_utf8_lossy(&traced.stdout)
    );
    assert!(
        String::from_utf8_lossy(&plain.stdout).ends_with("6\t9\n"),
        "{}",
        String::from_utf8_lossy(&plain.stdout)
    );
    assert!(!traced.stderr.is_empty());
}
