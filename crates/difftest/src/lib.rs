//! `tape-difftest`: a differential tester for Tape against the reference `lua5.4`.
//!
//! It generates random, valid, terminating Lua 5.4 programs from a seed (`gen`), renders them
//! from a small syntax tree (`ast`), runs each under both interpreters and compares stdout,
//! stderr and exit status (`run`), and shrinks a program that differs to a small one (`shrink`).
#![forbid(unsafe_code)]

pub mod ast;
pub mod gen;
pub mod rng;
pub mod run;
pub mod shrink;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the interpreters are and how long a run may take.
#[derive(Clone, Debug)]
pub struct Config {
    pub lua: PathBuf,
    pub tape: PathBuf,
    pub timeout: Duration,
    /// A later PUC Lua 5.4 (5.4.6 or newer) consulted only when lua5.4 and Tape differ: when it
    /// agrees with Tape, the difference is a bug of lua5.4 5.4.4 that PUC has since fixed.
    pub lua_fixed: Option<PathBuf>,
}

/// The result of checking one program.
#[derive(Clone, Debug)]
pub struct Check {
    pub verdict: run::Verdict,
    pub lua: run::Outcome,
    pub tape: run::Outcome,
    /// Standard error with the program-name prefix replaced by `<prog>: `.
    pub lua_err: Vec<u8>,
    pub tape_err: Vec<u8>,
}

/// Runs `source` under both interpreters in `dir` and compares.
pub fn check_source(cfg: &Config, dir: &Path, source: &str) -> Check {
    let file = "t.lua";
    if let Err(e) = std::fs::write(dir.join(file), source) {
        let o = run::Outcome {
            stdout: Vec::new(),
            stderr: format!("cannot write program: {e}").into_bytes(),
            status: None,
            timed_out: false,
        };
        return Check {
            verdict: run::Verdict::Differ,
            lua: o.clone(),
            tape: o,
            lua_err: Vec::new(),
            tape_err: Vec::new(),
        };
    }
    let mut lua = run::run(&cfg.lua, dir, file, cfg.timeout);
    let tape = run::run(&cfg.tape, dir, file, cfg.timeout);
    if lua.timed_out && !tape.timed_out {
        // lua5.4 is slow on some programs Tape runs fast (deep stack overflows grow its stack
        // slot by slot): give it longer before calling that a difference.
        lua = run::run(&cfg.lua, dir, file, cfg.timeout * 6);
    }
    let (lp, tp) = (run::prefixes_for(&cfg.lua), run::prefixes_for(&cfg.tape));
    let mut verdict = run::compare(&lua, &tape, &lp, &tp);
    if lua.timed_out && !tape.timed_out {
        verdict = run::Verdict::ReferenceTimeout;
    }
    if verdict == run::Verdict::Differ {
        if let Some(fixed) = &cfg.lua_fixed {
            let f = run::run(fixed, dir, file, cfg.timeout);
            if run::compare(&f, &tape, &run::prefixes_for(fixed), &tp) == run::Verdict::Same {
                verdict = run::Verdict::FixedReferenceBug;
            }
        }
    }
    let lua_err = run::normalise_stderr(&lua.stderr, &lp);
    let tape_err = run::normalise_stderr(&tape.stderr, &tp);
    Check {
        verdict,
        lua,
        tape,
        lua_err,
        tape_err,
    }
}

/// Whether an output shows an address (`table: 0x...`), which differs between any two runs: a
/// shrunk program that prints one is no longer a valid test.
pub fn shows_address(o: &run::Outcome) -> bool {
    [&o.stdout, &o.stderr].iter().any(|b| {
        let s = String::from_utf8_lossy(b);
        [
            "table: 0x",
            "function: 0x",
            "thread: 0x",
            "userdata: 0x",
            "builtin: 0x",
            "function: builtin",
        ]
        .iter()
        .any(|k| s.contains(k))
    })
}

/// The first differing line of lua5.4's and Tape's output: (where, lua5.4's line, Tape's line).
fn first_difference(c: &Check) -> (&'static str, String, String) {
    if c.lua.timed_out != c.tape.timed_out {
        return (
            "timeout",
            format!("{}", c.lua.timed_out),
            format!("{}", c.tape.timed_out),
        );
    }
    let parts: [(&'static str, &[u8], &[u8]); 2] = [
        ("stdout", &c.lua.stdout, &c.tape.stdout),
        ("stderr", &c.lua_err, &c.tape_err),
    ];
    for (name, a, b) in parts {
        if a == b {
            continue;
        }
        let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
        let (mut la, mut lb) = (a.lines(), b.lines());
        loop {
            match (la.next(), lb.next()) {
                (Some(x), Some(y)) if x == y || run::quirk_only(x.as_bytes(), y.as_bytes()) => {
                    continue
                }
                (None, None) => {
                    return (name, "(same lines)".into(), "(end of lines differ)".into())
                }
                (x, y) => {
                    return (
                        name,
                        x.unwrap_or("(no line)").to_string(),
                        y.unwrap_or("(no line)").to_string(),
                    )
                }
            }
        }
    }
    (
        "status",
        format!("{:?}", c.lua.status),
        format!("{:?}", c.tape.status),
    )
}

/// The first line where two outputs differ, with numbers masked: a rough category.
pub fn signature(c: &Check) -> String {
    let (w, a, b) = first_difference(c);
    format!("[{w}] lua5.4: {} | tape: {}", mask(&a), mask(&b))
}

/// A coarser category the shrinker keeps fixed, so it reduces the mismatch it started with
/// instead of drifting to another: where the outputs first differ, and for error messages
/// (and traceback lines) their wording without names and numbers; other lines are "value".
pub fn class(c: &Check) -> String {
    let (w, a, b) = first_difference(c);
    format!("{w}|{}|{}", msg_class(&a), msg_class(&b))
}

fn msg_class(line: &str) -> String {
    let errorish = [
        "attempt to",
        "bad argument",
        "stack traceback",
        "\tin ",
        "[C]:",
        "error",
        "expected",
    ];
    if !errorish.iter().any(|k| line.contains(k)) && !line.starts_with('\t') {
        return "value".into();
    }
    // Drop quoted names and numbers.
    let mut out = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                out.push('\'');
            }
            _ if quoted => {}
            '0'..='9' => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            _ => out.push(ch),
        }
    }
    out
}

fn mask(s: &str) -> String {
    let mut out = String::new();
    let mut prev_digit = false;
    for ch in s.chars().take(160) {
        if ch.is_ascii_digit() {
            if !prev_digit {
                out.push('N');
            }
            prev_digit = true;
        } else {
            out.push(ch);
            prev_digit = false;
        }
    }
    out
}
