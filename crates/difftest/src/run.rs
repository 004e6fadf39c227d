//! Running a program under both interpreters and comparing what they did.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

/// What one interpreter did with a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Exit status; `None` when killed by a signal.
    pub status: Option<i32>,
    pub timed_out: bool,
}

impl Outcome {
    /// A readable summary for the saved reports.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if self.timed_out {
            s.push_str("== TIMEOUT\n");
        }
        s.push_str(&format!("== status {:?}\n== stdout\n", self.status));
        s.push_str(&String::from_utf8_lossy(&self.stdout));
        s.push_str("== stderr\n");
        s.push_str(&String::from_utf8_lossy(&self.stderr));
        s
    }
}

/// Runs `interp file` in `dir` with a timeout; stdout and stderr are read by threads so a
/// chatty program cannot block on a full pipe.
pub fn run(interp: &Path, dir: &Path, file: &str, timeout: Duration) -> Outcome {
    let spawn = || {
        Command::new(interp)
            .arg(file)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    let mut child = spawn();
    // ETXTBSY: an interpreter script just written is still open in a child another thread
    // forked in the meantime (until that child execs); it goes away in moments.
    for _ in 0..100 {
        match &child {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(Duration::from_millis(10));
                child = spawn();
            }
            _ => break,
        }
    }
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return Outcome {
                stdout: Vec::new(),
                stderr: format!("cannot start {}: {e}", interp.display()).into_bytes(),
                status: None,
                timed_out: false,
            }
        }
    };
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.take(16 << 20).read_to_end(&mut v);
        }
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.take(16 << 20).read_to_end(&mut v);
        }
        v
    });
    let (status, timed_out) = match child.wait_timeout(timeout) {
        Ok(Some(st)) => (st.code(), false),
        _ => {
            let _ = child.kill();
            let st = child.wait().ok().and_then(|s| s.code());
            (st, true)
        }
    };
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    Outcome {
        stdout,
        stderr,
        status,
        timed_out,
    }
}

/// How two outcomes compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Same,
    /// They differ only as lua5.4 5.4.4's known line-number quirk explains.
    KnownQuirk,
    /// lua5.4 differs, but a later PUC Lua 5.4 (`--lua-fixed`) gives exactly Tape's output: a
    /// bug of 5.4.4 that PUC fixed (e.g. `luaV_concat` using a stale stack pointer).
    FixedReferenceBug,
    /// lua5.4 did not finish in time even with a longer allowance, while Tape finished: no
    /// reference to compare with (inconclusive; counted apart, never shrunk).
    ReferenceTimeout,
    Differ,
}

/// Strips the program-name prefix of an uncaught error (`lua5.4: `, `tape: `) at line starts.
pub fn normalise_stderr(stderr: &[u8], prefixes: &[String]) -> Vec<u8> {
    let text = String::from_utf8_lossy(stderr);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let mut l = line;
        for p in prefixes {
            if let Some(rest) = l.strip_prefix(p.as_str()) {
                l = rest;
                out.push_str("<prog>: ");
                break;
            }
        }
        out.push_str(l);
    }
    out.into_bytes()
}

/// The prefixes an interpreter's uncaught errors start with: `name: ` for the path as given
/// and for its file name (PUC's `lua.c` uses argv[0]; Tape says `tape`).
pub fn prefixes_for(path: &Path) -> Vec<String> {
    let mut v = vec![format!("{}: ", path.display())];
    if let Some(n) = path.file_name() {
        v.push(format!("{}: ", n.to_string_lossy()));
    }
    v.push("tape: ".into());
    v.push("lua5.4: ".into());
    v
}

/// Compares lua5.4's outcome (`r`) with Tape's (`t`).
pub fn compare(r: &Outcome, t: &Outcome, rp: &[String], tp: &[String]) -> Verdict {
    if r.timed_out || t.timed_out {
        return if r.timed_out && t.timed_out {
            Verdict::Same
        } else {
            Verdict::Differ
        };
    }
    let (rs, ts) = (
        normalise_stderr(&r.stderr, rp),
        normalise_stderr(&t.stderr, tp),
    );
    if r.status == t.status && r.stdout == t.stdout && rs == ts {
        return Verdict::Same;
    }
    // Addresses (`function: 0x55...`) are the implementation's own (manual §6.4 `%p`,
    // `tostring`): equal once masked.
    let (rs, ts) = (mask_addresses(&rs), mask_addresses(&ts));
    let (ro, to) = (mask_addresses(&r.stdout), mask_addresses(&t.stdout));
    if r.status == t.status && ro == to && rs == ts {
        return Verdict::Same;
    }
    let (rm, tm) = (
        Outcome {
            stdout: ro,
            ..r.clone()
        },
        Outcome {
            stdout: to,
            ..t.clone()
        },
    );
    let (r, t) = (&rm, &tm);
    if r.status == t.status && quirk_only(&r.stdout, &t.stdout) && quirk_only(&rs, &ts) {
        return Verdict::KnownQuirk;
    }
    Verdict::Differ
}

/// Replaces the hex digits of every address a value prints as (`table: 0x55d5000013d0`,
/// also `builtin: 0x...` for natives) with `ADDR`.
pub fn mask_addresses(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        const KINDS: [&[u8]; 5] = [
            b"table: 0x",
            b"function: 0x",
            b"thread: 0x",
            b"userdata: 0x",
            b"builtin: 0x",
        ];
        let hit = KINDS.iter().find(|p| rest.starts_with(p));
        if let Some(p) = hit {
            out.extend_from_slice(p);
            out.extend_from_slice(b"ADDR");
            i += p.len();
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The known quirk of lua5.4 5.4.4: integer `//` or `%` by zero in an expression spread over
/// several lines reports an earlier line than the operator's (Tape reports the operator's
/// line). Two outputs differ only by it when they have the same lines except for line numbers
/// (`:N:` and `:N>`), each differing line pair has lua5.4's number smaller, and no line differs
/// before lua5.4's message for them (`attempt to divide by zero` for `//`,
/// `attempt to perform 'n%0'` for `%`). A traceback after such
/// an uncaught error differs in its first frame's line too, which the rule allows.
pub fn quirk_only(r: &[u8], t: &[u8]) -> bool {
    if r == t {
        return true;
    }
    let (r, t) = (String::from_utf8_lossy(r), String::from_utf8_lossy(t));
    let (rl, tl): (Vec<&str>, Vec<&str>) = (r.lines().collect(), t.lines().collect());
    if rl.len() != tl.len() {
        return false;
    }
    let mut armed = false;
    for (a, b) in rl.iter().zip(&tl) {
        if a.contains("attempt to divide by zero") || a.contains("attempt to perform 'n%0'") {
            armed = true;
        }
        if a == b {
            continue;
        }
        if !armed {
            return false;
        }
        if !earlier_line_only(a, b) && !stale_frame_name(a, b) {
            return false;
        }
    }
    true
}

/// The same quirk's other face: lua5.4 names the frame that called the failing function from
/// the stale instruction too, so where Tape's traceback line says the function was called for
/// `//` or `%` (`in metamethod 'idiv'`), lua5.4's may name whatever instruction ran before
/// (`in metamethod 'len'`, `in function <t.lua:N>`, `in local 'f'`). Both lines must be
/// traceback frames at the same place.
fn stale_frame_name(r: &str, t: &str) -> bool {
    let frame = |s: &str| -> Option<(String, String)> {
        let s = s.strip_prefix('\t')?;
        let i = s.find(": in ")?;
        Some((s[..i].to_string(), s[i..].to_string()))
    };
    match (frame(r), frame(t)) {
        (Some((rw, _)), Some((tw, tn))) => {
            (rw == tw || earlier_line_only(&rw, &tw))
                && (tn == ": in metamethod 'idiv'" || tn == ": in metamethod 'mod'")
        }
        _ => false,
    }
}

/// Whether two lines are the same but for line numbers, lua5.4's (`r`) never later.
fn earlier_line_only(r: &str, t: &str) -> bool {
    let (na, xa) = strip_line_numbers(r);
    let (nb, xb) = strip_line_numbers(t);
    xa == xb && na.len() == nb.len() && na.iter().zip(&nb).all(|(p, q)| p <= q)
}

/// Splits a line into the numbers that follow a `:` and precede `:` (`file:12:`), and the
/// line with them replaced by `#`.
fn strip_line_numbers(s: &str) -> (Vec<u64>, String) {
    let b = s.as_bytes();
    let mut nums = Vec::new();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':' && i + 1 < b.len() && b[i + 1].is_ascii_digit() {
            let mut j = i + 1;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j < b.len() && (b[j] == b':' || b[j] == b'>') {
                nums.push(s[i + 1..j].parse().unwrap_or(0));
                out.push_str(":#");
                i = j;
                continue;
            }
        }
        out.push(b[i] as char);
        i += 1;
    }
    (nums, out)
}

/// A per-worker scratch directory holding the program file.
pub fn scratch_dir(base: &Path, worker: usize) -> PathBuf {
    let d = base.join(format!("w{worker}"));
    let _ = std::fs::create_dir_all(&d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirk_is_recognised_only_for_division_by_zero_lines() {
        let r = b"false\tt.lua:3: attempt to divide by zero\n";
        let t = b"false\tt.lua:4: attempt to divide by zero\n";
        assert!(quirk_only(r, t));
        // Tape's line is later, never earlier.
        assert!(!quirk_only(t, r));
        let r2 = b"false\tt.lua:3: attempt to add\n";
        let t2 = b"false\tt.lua:4: attempt to add\n";
        assert!(!quirk_only(r2, t2));
        // A traceback after the message may differ in its line numbers too.
        let r3 = b"<prog>: t.lua:3: attempt to perform 'n%0'\nstack traceback:\n\t[C]: in ?\n\tt.lua:3: in main chunk\n";
        let t3 = b"<prog>: t.lua:5: attempt to perform 'n%0'\nstack traceback:\n\t[C]: in ?\n\tt.lua:5: in main chunk\n";
        assert!(quirk_only(r3, t3));
        // ... and the handler frame's name, taken from the stale instruction.
        let r5 = b"false\tt.lua:2: attempt to divide by zero\nstack traceback:\n\tt.lua:4: in metamethod 'len'\n\tt.lua:2: in function <t.lua:1>\n";
        let t5 = b"false\tt.lua:3: attempt to divide by zero\nstack traceback:\n\tt.lua:4: in metamethod 'idiv'\n\tt.lua:3: in function <t.lua:1>\n";
        assert!(quirk_only(r5, t5));
        let r7 = b"false\tt.lua:2: attempt to perform 'n%0'\nstack traceback:\n\tt.lua:4: in function <t.lua:3>\n\tt.lua:2: in function <t.lua:1>\n";
        let t7 = b"false\tt.lua:3: attempt to perform 'n%0'\nstack traceback:\n\tt.lua:4: in metamethod 'mod'\n\tt.lua:3: in function <t.lua:1>\n";
        assert!(quirk_only(r7, t7));
        let t6 = b"false\tt.lua:3: attempt to divide by zero\nstack traceback:\n\tt.lua:4: in metamethod 'add'\n\tt.lua:3: in function <t.lua:1>\n";
        assert!(!quirk_only(r5, t6));
        let t4 = b"<prog>: t.lua:5: attempt to perform 'n%0'\nstack traceback:\n\t[C]: in ?\n\tt.lua:5: in function\n";
        assert!(!quirk_only(r3, t4));
    }

    #[test]
    fn addresses_are_masked() {
        assert_eq!(
            mask_addresses(b"true\tfunction: 0x55a780243c10\t-1.25 table: 0x1f"),
            b"true\tfunction: 0xADDR\t-1.25 table: 0xADDR"
        );
        let a = Outcome {
            stdout: b"function: 0x55a780243c10\n".to_vec(),
            stderr: Vec::new(),
            status: Some(0),
            timed_out: false,
        };
        let b = Outcome {
            stdout: b"function: 0x55d5000013d0\n".to_vec(),
            ..a.clone()
        };
        assert_eq!(compare(&a, &b, &[], &[]), Verdict::Same);
        let c = Outcome {
            stdout: b"function: builtin\n".to_vec(),
            ..a.clone()
        };
        assert_eq!(compare(&a, &c, &[], &[]), Verdict::Differ);
    }

    #[test]
    fn prefixes_are_normalised() {
        let p = prefixes_for(Path::new("/usr/bin/lua5.4"));
        let n = normalise_stderr(b"/usr/bin/lua5.4: t.lua:1: x\nstack traceback:\n", &p);
        assert_eq!(n, b"<prog>: t.lua:1: x\nstack traceback:\n");
        let n = normalise_stderr(
            b"tape: t.lua:1: x\n",
            &prefixes_for(Path::new("target/release/tape")),
        );
        assert_eq!(n, b"<prog>: t.lua:1: x\n");
    }
}
