//! Structure-preserving mutation fuzzing of binary chunks: the cases most likely to pass the
//! verifier and reach the interpreter. Where `fuzz.rs` damages chunks at the byte and
//! instruction level (most of which the loader rejects), this fuzzer keeps every function's
//! shape — the same instructions in the same places, the same tables — and changes only
//! operands and counts, each towards values that are plausible for its role: a register near
//! the frame size, a constant or upvalue index near the table's size, a jump to some
//! instruction of the function, an argument or result count of 0 (open) to a few, an
//! immediate at a type's edge, a frame size or parameter count off by one.
//!
//! Each case: mutate a proto tree from the corpus (every function of every script under
//! `tests/lua` and of `fuzz/corpus.lua`, each also as a chunk of its own), `dump` it, load the
//! bytes with `undump` (the verifier), and run what loads in a sandbox under a fuel budget, a
//! memory cap, a frame limit and a wall-clock deadline; every eighth loaded case runs with the
//! execution trace on (a discarding sink), which takes the hooked interpreter loop. A case
//! passes when it ends: a panic is caught and counted (the test fails), a deadline error is
//! counted as a hang (the test fails), and a watchdog thread aborts the process, naming the
//! case, if one case takes more than a minute anyway.
//!
//! The CI test runs `TAPE_FUZZ_CASES` cases (default 20,000, a few seconds in release mode).
//! The long run is the ignored test, e.g. for ten million cases:
//!
//! ```sh
//! TAPE_FUZZ_CASES=10000000 TAPE_FUZZ_SEED=1 \
//!   cargo test --release -p tape --test integration fuzz_struct:: -- --ignored --nocapture
//! ```
//!
//! It prints a progress line every 100,000 cases. `TAPE_FUZZ_ONLY=n` replays case `n` alone
//! (cases are independent of each other's generator state: each derives from the seed and its
//! number) and writes its chunk to the temporary directory.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tape::{ErrorKind, Tape, Value};
use tape_bytecode::{Instr, Proto};

/// Instructions (and native work) a case may spend.
const FUEL: u64 = 5_000;
/// Memory cap of each VM.
const MEMORY_CAP: usize = 16 << 20;
/// Frames a case may stack up (the fuel bounds loops; this bounds recursion's memory).
const MAX_FRAMES: usize = 64;
/// Wall-clock limit of one case: a case that reaches it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(5);
/// Cases run in one VM before it is replaced by a fresh one.
const CASES_PER_VM: usize = 200;

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (splitmix64).

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// The corpus.

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every script of `tests/lua` and the fuzz corpus, compiled; and each nested function of
/// them as a chunk of its own (small chunks make quick cases).
fn corpus() -> Vec<Arc<Proto>> {
    let mut sources: Vec<(String, Vec<u8>)> =
        vec![("=corpus".into(), include_bytes!("fuzz/corpus.lua").to_vec())];
    if let Ok(entries) = std::fs::read_dir(root().join("tests/lua")) {
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "lua"))
            .collect();
        paths.sort();
        for p in paths {
            if let Ok(src) = std::fs::read(&p) {
                sources.push((format!("@{}", p.display()), src));
            }
        }
    }
    let mut out = Vec::new();
    for (name, src) in sources {
        let Ok(p) = tape::compile(&src, &name) else {
            continue;
        };
        let mut work = vec![p];
        while let Some(p) = work.pop() {
            work.extend(p.protos.iter().cloned());
            out.push(p);
        }
    }
    assert!(out.len() > 500, "corpus too small: {}", out.len());
    out
}

// ---------------------------------------------------------------------------------------------
// Structure-preserving mutations.

/// Operands that are counts (0 meaning "open" for some), by mnemonic.
fn is_count(mnem: &str, field: &str) -> bool {
    matches!(
        (mnem, field),
        ("CALL", "b" | "c")
            | ("TAILCALL", "b")
            | ("RETURN", "b")
            | ("VARARG", "c")
            | ("LOADNIL", "n")
            | ("CONCAT", "n")
            | ("SETLIST", "n")
            | ("TFORCALL", "c")
    )
}

/// A new value for one operand, plausible for its role.
fn new_operand(rng: &mut Rng, p: &Proto, pc: usize, mnem: &str, field: &str, v: i64) -> i64 {
    let near = |rng: &mut Rng, v: i64| if rng.chance(50) { v + 1 } else { v - 1 };
    let index = |rng: &mut Rng, len: usize| -> i64 {
        // Mostly in range, sometimes just past it.
        if rng.chance(90) && len > 0 {
            rng.below(len) as i64
        } else {
            len as i64
        }
    };
    if field == "j" {
        return if rng.chance(85) {
            rng.below(p.code.len() + 1) as i64 - pc as i64 - 1
        } else {
            near(rng, v)
        };
    }
    if field == "k" && Instr::operand_names(mnem).is_some_and(|f| f.contains(&"j")) {
        return 1 - v; // the condition flag
    }
    if is_count(mnem, field) {
        return match rng.below(4) {
            0 => 0,
            1 => near(rng, v),
            _ => rng.below(5) as i64,
        };
    }
    match (mnem, field) {
        ("EQK", "c") | (_, "k") => index(rng, p.consts.len()),
        (_, "u") => index(rng, p.upvals.len()),
        (_, "p") => index(rng, p.protos.len()),
        (_, "i") => match rng.below(6) {
            0 => 0,
            1 => -1,
            2 => 127,
            3 => -128,
            4 => near(rng, v),
            _ => rng.below(300) as i64 - 150,
        },
        (_, "nhash" | "narr" | "off") => match rng.below(3) {
            0 => 0,
            1 => near(rng, v),
            _ => rng.below(100) as i64,
        },
        // Registers.
        _ => match rng.below(4) {
            0 => near(rng, v),
            1 => p.max_stack as i64 - 1 - rng.below(2) as i64,
            _ => rng.below(p.max_stack as usize + 1) as i64,
        },
    }
}

/// Changes one operand of the instruction at `pc`; the instruction stays if the new value does
/// not fit the operand's type.
fn mutate_operand(rng: &mut Rng, p: &mut Proto, pc: usize) {
    let Some(&i) = p.code.get(pc) else {
        return;
    };
    let mut ops: Vec<(&'static str, i64)> = i.operands();
    if ops.is_empty() {
        return;
    }
    let k = rng.below(ops.len());
    let (field, v) = ops[k];
    ops[k].1 = new_operand(rng, p, pc, i.name(), field, v);
    let values: Vec<i64> = ops.iter().map(|&(_, v)| v).collect();
    if let Ok(new) = Instr::from_operands(i.name(), &values) {
        p.code[pc] = new;
    }
}

/// One function of the tree, chosen at random, mutably.
fn pick_proto<'a>(rng: &mut Rng, p: &'a mut Proto) -> &'a mut Proto {
    let mut cur = p;
    while !cur.protos.is_empty() && rng.chance(40) {
        let k = rng.below(cur.protos.len());
        cur = Arc::make_mut(&mut cur.protos[k]);
    }
    cur
}

fn mutate(rng: &mut Rng, root: &mut Proto) {
    for _ in 0..1 + rng.below(3) {
        let p = pick_proto(rng, root);
        match rng.below(20) {
            0 => {
                p.max_stack = if rng.chance(50) {
                    p.max_stack.saturating_add(1)
                } else {
                    p.max_stack.saturating_sub(1).max(p.num_params)
                }
            }
            1 => {
                if rng.chance(50) {
                    p.num_params = p.num_params.saturating_sub(1);
                } else if p.num_params < p.max_stack {
                    p.num_params += 1;
                }
            }
            2 => p.is_vararg = !p.is_vararg,
            3 if !p.upvals.is_empty() => {
                let at = rng.below(p.upvals.len());
                let u = &mut p.upvals[at];
                u.index = if rng.chance(50) {
                    u.index.saturating_sub(1)
                } else {
                    u.index.saturating_add(1)
                };
            }
            _ if !p.code.is_empty() => {
                let pc = rng.below(p.code.len());
                mutate_operand(rng, p, pc);
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running.

const SETUP: &str = r#"
local safe = {}
for _, k in ipairs({"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring",
    "type", "xpcall", "print", "_VERSION"}) do
  safe[k] = _G[k]
end
for _, lib in ipairs({"string", "math", "table", "utf8", "coroutine"}) do
  local c = {}
  for k, v in pairs(_G[lib]) do c[k] = v end
  safe[lib] = c
end
local meta = {__index = safe}
function mkenv()
  return setmetatable({}, meta)
end
"#;

#[derive(Default, Debug)]
struct Tally {
    cases: u64,
    rejected: u64,
    ok: u64,
    error: u64,
    fuel: u64,
    memory: u64,
    traced: u64,
    hangs: u64,
    panics: u64,
}

struct Runner {
    lua: Tape,
    mkenv: Value,
    used: usize,
}

fn new_runner() -> Runner {
    let mut lua = Tape::new();
    lua.vm().set_output(Box::new(std::io::sink()));
    lua.exec(SETUP.as_bytes(), "=setup", &[])
        .expect("setup runs");
    let mkenv = lua.vm().get_global("mkenv").expect("mkenv");
    lua.vm().set_memory_cap(MEMORY_CAP);
    lua.vm().set_stack_limit(1_000_000, MAX_FRAMES);
    Runner {
        lua,
        mkenv,
        used: 0,
    }
}

/// Loads and runs one mutated chunk; panics propagate to the caller.
fn run_one(runner: &mut Runner, bytes: &[u8], trace: bool, tally: &mut Tally) {
    let proto = match tape_bytecode::undump(bytes, "=fuzz") {
        Ok(p) => Arc::new(p),
        Err(_) => {
            tally.rejected += 1;
            return;
        }
    };
    let _ = tape_bytecode::listing::list(&proto);
    let lua = &mut runner.lua;
    let env = match lua.call(runner.mkenv, &[]) {
        Ok(v) => v.first().copied(),
        Err(_) => None,
    };
    let Ok(f) = lua.vm().load_proto_closure(&proto, env) else {
        tally.memory += 1;
        return;
    };
    if trace {
        tally.traced += 1;
        lua.vm()
            .set_trace(Some(Box::new(|_: &str| {})), Some(2 * FUEL));
    }
    lua.vm().set_fuel(Some(FUEL));
    lua.vm().set_deadline(Some(Instant::now() + DEADLINE));
    let args = [Value::Int(1), Value::Nil, Value::Bool(true)];
    let r = lua.call(f, &args);
    lua.vm().set_fuel(None);
    lua.vm().set_deadline(None);
    lua.vm().set_trace(None, None);
    match r {
        Ok(_) => tally.ok += 1,
        Err(e) => match e.kind() {
            ErrorKind::Fuel => tally.fuel += 1,
            ErrorKind::Memory => tally.memory += 1,
            ErrorKind::Deadline => {
                tally.hangs += 1;
                eprintln!("hang: case {}", tally.cases - 1);
            }
            _ => tally.error += 1,
        },
    }
}

/// Runs `n` cases from `seed`; returns the tally.
fn fuzz(n: u64, seed: u64, progress: bool) -> Tally {
    let corpus = corpus();
    let only = std::env::var("TAPE_FUZZ_ONLY")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    // The watchdog: the case running and when it started (ms since `t0`; 0: none).
    let t0 = Instant::now();
    let current = Arc::new(AtomicU64::new(0));
    let started = Arc::new(AtomicU64::new(0));
    {
        let (current, started) = (current.clone(), started.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(5));
            let s = started.load(Ordering::SeqCst);
            if s != 0 && t0.elapsed().as_millis() as u64 > s + 60_000 {
                eprintln!(
                    "watchdog: case {} has run for over a minute",
                    current.load(Ordering::SeqCst)
                );
                std::process::abort();
            }
        });
    }
    let mut tally = Tally::default();
    let mut runner = new_runner();
    for case in 0..n {
        if only.is_some_and(|o| o != case) {
            continue;
        }
        let mut rng = Rng(seed ^ case.wrapping_mul(0x2545_f491_4f6c_dd1d));
        let base = &corpus[rng.below(corpus.len())];
        let mut p = Proto::clone(base);
        mutate(&mut rng, &mut p);
        let strip = rng.chance(20);
        let trace = rng.chance(12);
        let bytes = tape_bytecode::dump(&p, strip);
        if only.is_some() {
            let path = std::env::temp_dir().join("tape-fuzz-struct-case");
            let _ = std::fs::write(&path, &bytes);
            eprintln!("case {case} written to {}", path.display());
        }
        if runner.used >= CASES_PER_VM {
            runner = new_runner();
        }
        runner.used += 1;
        tally.cases += 1;
        current.store(case, Ordering::SeqCst);
        started.store(t0.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
            run_one(&mut runner, &bytes, trace, &mut tally)
        }));
        started.store(0, Ordering::SeqCst);
        if r.is_err() {
            tally.panics += 1;
            eprintln!("panic: case {case} (seed {seed})");
            runner = new_runner();
        }
        if progress && (case + 1) % 100_000 == 0 {
            eprintln!(
                "{} cases, {:.0}s: {tally:?}",
                case + 1,
                t0.elapsed().as_secs_f64()
            );
        }
    }
    eprintln!(
        "structured fuzz: {tally:?} in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    tally
}

#[test]
fn structured_mutations_never_panic_or_hang() {
    let n = env_usize("TAPE_FUZZ_CASES", 20_000) as u64;
    let seed = env_usize("TAPE_FUZZ_SEED", 1) as u64;
    let t = fuzz(n, seed, false);
    assert_eq!((t.panics, t.hangs), (0, 0), "{t:?}");
    // The point of keeping the structure: most cases pass the verifier and run.
    if std::env::var_os("TAPE_FUZZ_ONLY").is_none() {
        assert!(t.rejected * 2 < t.cases, "most cases were rejected: {t:?}");
    }
}

#[test]
#[ignore = "long run: TAPE_FUZZ_CASES=10000000 cargo test --release -p tape --test integration fuzz_struct:: -- --ignored --nocapture"]
fn structured_mutations_long_run() {
    let n = env_usize("TAPE_FUZZ_CASES", 10_000_000) as u64;
    let seed = env_usize("TAPE_FUZZ_SEED", 1) as u64;
    let t = fuzz(n, seed, true);
    assert_eq!((t.panics, t.hangs), (0, 0), "{t:?}");
}
