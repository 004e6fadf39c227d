//! `tape-difftest --seeds N [--start S] [--jobs J] [--out DIR] [--tape PATH] [--lua PATH]`:
//! runs N generated programs under lua5.4 and Tape, shrinks and saves each mismatch, and closes
//! with `N passed, N failed`. `--seed S --print` prints one generated program.
#![forbid(unsafe_code)]

use clap::{value_parser, Arg, ArgAction, Command};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tape_difftest::ast::render;
use tape_difftest::gen::{generate, Options};
use tape_difftest::run::Verdict;
use tape_difftest::{check_source, class, shows_address, shrink, signature, Config};

/// `println!` that ignores a closed pipe (`tape-difftest ... | head`).
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

fn cli() -> Command {
    Command::new("tape-difftest")
        .about("Differential tester: random Lua 5.4 programs under lua5.4 and Tape")
        .arg(
            Arg::new("seeds")
                .long("seeds")
                .value_parser(value_parser!(u64))
                .help("How many programs to run"),
        )
        .arg(
            Arg::new("start")
                .long("start")
                .value_parser(value_parser!(u64))
                .default_value("0")
                .help("First seed"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_parser(value_parser!(u64))
                .help("One seed (with --print, or run just it)"),
        )
        .arg(
            Arg::new("print")
                .long("print")
                .action(ArgAction::SetTrue)
                .help("Print the generated program instead of running it"),
        )
        .arg(
            Arg::new("jobs")
                .long("jobs")
                .short('j')
                .value_parser(value_parser!(usize))
                .default_value("1"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .default_value("difftest-out")
                .help("Folder for the failures"),
        )
        .arg(
            Arg::new("tape")
                .long("tape")
                .default_value("target/release/tape"),
        )
        .arg(Arg::new("lua").long("lua").default_value("lua5.4"))
        .arg(
            Arg::new("lua-fixed")
                .long("lua-fixed")
                .help("A later PUC Lua 5.4 build, asked only on a mismatch: when it agrees with Tape the mismatch is counted as a fixed lua5.4 bug"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_parser(value_parser!(u64))
                .default_value("10")
                .help("Seconds per run"),
        )
        .arg(
            Arg::new("steer")
                .long("steer")
                .action(ArgAction::SetTrue)
                .help("Steer around known Tape bugs being fixed"),
        )
        .arg(
            Arg::new("no-shrink")
                .long("no-shrink")
                .action(ArgAction::SetTrue)
                .help("Save failures without shrinking"),
        )
        .arg(
            Arg::new("shrink-per-class")
                .long("shrink-per-class")
                .value_parser(value_parser!(usize))
                .default_value("5")
                .help("Shrink only the first N failures of each kind (wrong values: 8x as many); save the rest unshrunk"),
        )
        .arg(
            Arg::new("shrink-budget")
                .long("shrink-budget")
                .value_parser(value_parser!(usize))
                .default_value("3000")
                .help("Most runs spent shrinking one failure"),
        )
}

/// Resolves a bare command name through PATH, so the prefix of its messages can be matched.
fn resolve(p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.components().count() > 1 {
        return std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    }
    if let Some(dirs) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&dirs) {
            let c = d.join(p);
            if c.is_file() {
                return c;
            }
        }
    }
    path.to_path_buf()
}

struct Totals {
    passed: u64,
    failed: u64,
    quirks: u64,
    fixed: u64,
    /// lua5.4 timed out where Tape finished: no verdict.
    ref_timeouts: u64,
}

fn main() -> ExitCode {
    let m = cli().get_matches();
    let opts = Options {
        steer: m.get_flag("steer"),
    };
    if m.get_flag("print") {
        let seed = m.get_one::<u64>("seed").copied().unwrap_or(0);
        print!("{}", render(&generate(seed, opts)));
        return ExitCode::SUCCESS;
    }
    let (start, count) = match (m.get_one::<u64>("seed"), m.get_one::<u64>("seeds")) {
        (Some(s), _) => (*s, 1),
        (None, Some(n)) => (m.get_one::<u64>("start").copied().unwrap_or(0), *n),
        (None, None) => {
            eprintln!("tape-difftest: give --seeds N (or --seed S)");
            return ExitCode::from(2);
        }
    };
    let lua = m.get_one::<String>("lua").cloned().unwrap_or_default();
    let tape = m.get_one::<String>("tape").cloned().unwrap_or_default();
    let cfg = Config {
        lua: resolve(&lua),
        tape: std::fs::canonicalize(&tape).unwrap_or_else(|_| PathBuf::from(&tape)),
        timeout: Duration::from_secs(m.get_one::<u64>("timeout").copied().unwrap_or(10)),
        lua_fixed: m.get_one::<String>("lua-fixed").map(|p| resolve(p)),
    };
    let timeout_secs = cfg.timeout.as_secs();
    if !cfg.tape.is_file() {
        eprintln!(
            "tape-difftest: no Tape binary at {} (build it: cargo build --release)",
            cfg.tape.display()
        );
        return ExitCode::from(2);
    }
    let out = PathBuf::from(m.get_one::<String>("out").cloned().unwrap_or_default());
    let jobs = m.get_one::<usize>("jobs").copied().unwrap_or(1).max(1);
    let shrink_budget = if m.get_flag("no-shrink") {
        0
    } else {
        m.get_one::<usize>("shrink-budget").copied().unwrap_or(3000)
    };
    let per_class = m.get_one::<usize>("shrink-per-class").copied().unwrap_or(5);
    let seen: Arc<Mutex<std::collections::HashMap<String, usize>>> = Arc::default();
    let work = std::env::temp_dir().join(format!("tape-difftest-{}", std::process::id()));
    let next = Arc::new(AtomicU64::new(start));
    let totals = Arc::new(Mutex::new(Totals {
        passed: 0,
        failed: 0,
        quirks: 0,
        fixed: 0,
        ref_timeouts: 0,
    }));
    let end = start.saturating_add(count);
    let t0 = Instant::now();
    let mut handles = Vec::new();
    for w in 0..jobs {
        let (next, totals, cfg, out, work) = (
            next.clone(),
            totals.clone(),
            cfg.clone(),
            out.clone(),
            work.clone(),
        );
        let seen = seen.clone();
        handles.push(std::thread::spawn(move || {
            let dir = tape_difftest::run::scratch_dir(&work, w);
            loop {
                let seed = next.fetch_add(1, Ordering::SeqCst);
                if seed >= end {
                    break;
                }
                if seed > start && (seed - start) % 5000 == 0 {
                    let t = totals.lock().unwrap_or_else(|e| e.into_inner());
                    out!("progress: {} run, {} failed", t.passed + t.failed, t.failed);
                }
                let prog = generate(seed, opts);
                let src = render(&prog);
                let c = check_source(&cfg, &dir, &src);
                match c.verdict {
                    Verdict::Same => totals.lock().map(|mut t| t.passed += 1).unwrap_or(()),
                    Verdict::KnownQuirk => totals
                        .lock()
                        .map(|mut t| {
                            t.passed += 1;
                            t.quirks += 1
                        })
                        .unwrap_or(()),
                    Verdict::FixedReferenceBug => {
                        let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
                        t.passed += 1;
                        t.fixed += 1;
                        out!("seed {seed}: lua5.4 differs, --lua-fixed agrees with Tape");
                    }
                    Verdict::ReferenceTimeout => {
                        let folder = out.join(format!("seed-{seed}"));
                        let saved = save(&folder, &src, &c, &src, &c);
                        totals.lock().map(|mut t| t.ref_timeouts += 1).unwrap_or(());
                        out!(
                            "seed {seed}: lua5.4 timed out, Tape finished (no verdict{})",
                            saved
                                .map(|_| format!("; saved in {}", folder.display()))
                                .unwrap_or_default()
                        );
                    }
                    Verdict::Differ => {
                        let cls = class(&c);
                        let times = {
                            let mut m = seen.lock().unwrap_or_else(|e| e.into_inner());
                            let n = m.entry(cls.clone()).or_insert(0);
                            *n += 1;
                            *n
                        };
                        let limit = if cls.contains("|value|") {
                            per_class * 8
                        } else {
                            per_class
                        };
                        let small = if shrink_budget > 0 && times <= limit {
                            let shrink_cfg = Config {
                                timeout: cfg.timeout.min(Duration::from_secs(1)),
                                ..cfg.clone()
                            };
                            let tape_timed_out = c.tape.timed_out;
                            shrink::shrink(&prog, shrink_budget, &mut |cand| {
                                let r = check_source(&shrink_cfg, &dir, &render(cand));
                                r.verdict == Verdict::Differ
                                    && !r.lua.timed_out
                                    && !shows_address(&r.lua)
                                    && (tape_timed_out || !r.tape.timed_out)
                                    && class(&r) == cls
                            })
                        } else {
                            prog.clone()
                        };
                        let small_src = render(&small);
                        let sc = check_source(&cfg, &dir, &small_src);
                        let folder = out.join(format!("seed-{seed}"));
                        let saved = save(&folder, &src, &c, &small_src, &sc);
                        let lines = if small_src == src {
                            format!("{} lines, not shrunk", small_src.lines().count())
                        } else {
                            format!("shrunk to {} lines", small_src.lines().count())
                        };
                        let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
                        t.failed += 1;
                        out!(
                            "seed {seed}: FAIL ({lines}{}) {}",
                            saved
                                .map(|_| format!(", saved in {}", folder.display()))
                                .unwrap_or_else(|e| format!(", not saved: {e}")),
                            signature(&sc)
                        );
                    }
                }
            }
        }));
    }
    for h in handles {
        let _ = h.join();
    }
    let _ = std::fs::remove_dir_all(&work);
    let t = totals.lock().unwrap_or_else(|e| e.into_inner());
    out!(
        "known reference quirks: {} (lua5.4 5.4.4 reports an earlier line for integer //0 and %0; counted as passed); {:.1} s",
        t.quirks,
        t0.elapsed().as_secs_f64()
    );
    if t.fixed > 0 {
        out!(
            "fixed reference bugs: {} (lua5.4 differs, --lua-fixed agrees with Tape; counted as passed)",
            t.fixed
        );
    }
    if t.ref_timeouts > 0 {
        out!(
            "no verdict: {} (lua5.4 timed out even with {} s, Tape finished; neither passed nor failed)",
            t.ref_timeouts,
            timeout_secs * 6
        );
    }
    out!("{} passed, {} failed", t.passed, t.failed);
    if t.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn save(
    folder: &Path,
    src: &str,
    c: &tape_difftest::Check,
    small: &str,
    sc: &tape_difftest::Check,
) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    std::fs::write(folder.join("original.lua"), src)?;
    std::fs::write(folder.join("original.lua5.4.txt"), c.lua.describe())?;
    std::fs::write(folder.join("original.tape.txt"), c.tape.describe())?;
    std::fs::write(folder.join("shrunk.lua"), small)?;
    std::fs::write(folder.join("shrunk.lua5.4.txt"), sc.lua.describe())?;
    std::fs::write(folder.join("shrunk.tape.txt"), sc.tape.describe())?;
    Ok(())
}
