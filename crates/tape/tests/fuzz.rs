//! Deterministic fuzzing of the two ways guest input enters Tape: binary chunks (undump, the
//! verifier, then the interpreter) and source text (lexer, parser, compiler, interpreter).
//!
//! Binary cases start from `string.dump` of real functions (`fuzz/corpus.lua` and the scripts
//! under `tests/lua`) and damage them: at the byte level (bit flips, byte sets, truncation,
//! splices from other chunks, insertions and deletions, varint length fields bumped) and at the
//! instruction level (instructions swapped, replaced by random opcodes with random operands,
//! operands nudged, frame sizes, parameter counts, constants and upvalue descriptors changed),
//! then dumped again so the damage reaches the verifier. Source cases are random token soup,
//! random bytes, deeply nested constructs, huge literals and mutated test scripts.
//!
//! Each case runs in a fresh `Tape` with a memory cap, through `fuzz/driver.lua`: `load` with
//! mode "b" (or "t"), then a `pcall` under an instruction budget kept by a count hook. Every
//! chunk that loads also runs once more without a hook, bounded by the VM's fuel budget, so the
//! interpreter's inline call, return and tail-call paths (which a hook switches off) see the
//! damaged code too. A case passes when it ends at all: any panic fails the test, and a hang
//! or an abort would fail the run.
//!
//! The default sizes keep each test to a few seconds in release mode. For a longer run:
//! `TAPE_FUZZ_CASES=200000 TAPE_FUZZ_SEED=7 cargo test --release -p tape --test integration fuzz:: -- --nocapture`
//! (with `TAPE_FUZZ_VERBOSE=1` each case's number is printed before it runs, so a case that
//! kills the process can be found and replayed with `TAPE_FUZZ_ONLY=n`).

use std::path::PathBuf;
use std::sync::Arc;
use tape::{Tape, Value};
use tape_bytecode::{Constant, Instr, Proto, NUM_OPCODES};

/// Instructions a case may run before the driver's hook stops it.
const BUDGET: i64 = 20_000;
/// Memory cap of each case's VM.
const MEMORY_CAP: usize = 32 << 20;
/// Frame limit and memory cap of the unhooked runs (the driver itself takes a few frames);
/// those runs are bounded by the VM's fuel budget (`Vm::set_fuel`), which unlike a hook keeps
/// the interpreter on its inline call, return and tail-call paths.
const FAST_MAX_FRAMES: usize = 16;
const FAST_MEMORY_CAP: usize = 8 << 20;

// ---------------------------------------------------------------------------------------------
// A small seeded PRNG (splitmix64): deterministic, no dependencies.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    /// A byte biased towards the values that matter in operands: 0, small, all ones.
    fn operand_byte(&mut self) -> u8 {
        match self.below(10) {
            0..=3 => 0,
            4..=6 => self.below(8) as u8,
            7 => 0xff,
            _ => self.byte(),
        }
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// Running one case.

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const DRIVER: &str = include_str!("fuzz/driver.lua");
const CORPUS: &str = include_str!("fuzz/corpus.lua");

#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    rejected: usize,
    ok: usize,
    error: usize,
    host_error: usize,
    /// Cases also run without the hook, under the VM's fuel budget.
    unhooked: usize,
}

/// A fresh sandboxed state with the driver loaded; returns it and the driver function `entry`.
fn sandbox(entry: &str) -> (Tape, Value) {
    let mut lua = Tape::new();
    lua.vm().set_output(Box::new(std::io::sink()));
    let budget = BUDGET.to_string();
    lua.exec(DRIVER.as_bytes(), "=driver", &[budget.as_bytes()])
        .expect("driver loads");
    let run = lua.vm().get_global(entry).expect("driver entry");
    lua.vm().set_memory_cap(MEMORY_CAP);
    (lua, run)
}

/// Loads `bytes` with `mode` ("b" or "t") and runs it under the budget. Every outcome is
/// fine except a panic (which fails the test) or not returning at all.
fn run_case(bytes: &[u8], mode: &str, tally: &mut Tally) {
    tally.cases += 1;
    // The host-side path first: compile/undump, listing and dump of whatever loads.
    let mut unhooked = false;
    if let Ok(p) = tape::compile(bytes, "=fuzz") {
        unhooked = true;
        let _ = tape::listing(&p);
        let again = tape_bytecode::dump(&p, false);
        let back = tape_bytecode::undump(&again, "=fuzz").expect("a loaded proto re-loads");
        assert!(
            tape_bytecode::dump(&back, false) == again,
            "dump/undump of a loaded chunk changed it"
        );
        let _ = tape_bytecode::dump(&p, true);
    }
    if unhooked {
        tally.unhooked += 1;
        let (mut lua, run) = sandbox("run_fast");
        // The fuel budget ends loops and tail calls; a few frames bound the recursion depth.
        lua.vm().set_stack_limit(1_000_000, FAST_MAX_FRAMES);
        lua.vm().set_memory_cap(FAST_MEMORY_CAP);
        lua.vm().set_fuel(Some(BUDGET as u64));
        if let (Ok(chunk), Ok(m)) = (lua.vm().str_value(bytes), lua.vm().str_value(mode)) {
            let _ = lua.call(run, &[chunk, m]);
        }
    }
    let (mut lua, run) = sandbox("run_case");
    // The hook's budget error can be caught by guest code (a `pcall` that recurses twice per
    // level would then run for ever); the VM's fuel, which cannot, backs it up.
    lua.vm().set_fuel(Some(BUDGET as u64 * 20));
    let (Ok(chunk), Ok(m)) = (lua.vm().str_value(bytes), lua.vm().str_value(mode)) else {
        tally.host_error += 1;
        return;
    };
    match lua.call(run, &[chunk, m]) {
        Ok(out) => {
            let tag = out.first().map(|&v| lua.display(v).unwrap_or_default());
            match tag.as_deref() {
                Some("rejected") => tally.rejected += 1,
                Some("ok") => tally.ok += 1,
                _ => tally.error += 1,
            }
        }
        Err(_) => tally.host_error += 1,
    }
}

/// Runs `n` cases from `gen`, honouring `TAPE_FUZZ_VERBOSE` and `TAPE_FUZZ_ONLY`.
fn run_all(
    what: &str,
    n: usize,
    seed: u64,
    mut make: impl FnMut(&mut Rng, usize) -> (Vec<u8>, &'static str),
) -> Tally {
    let verbose = std::env::var_os("TAPE_FUZZ_VERBOSE").is_some();
    let only = std::env::var("TAPE_FUZZ_ONLY")
        .ok()
        .and_then(|s| s.parse::<usize>().ok());
    let mut tally = Tally::default();
    for case in 0..n {
        // Each case has its own generator state, so any case replays alone.
        let mut rng = Rng(seed ^ (case as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
        let (bytes, mode) = make(&mut rng, case);
        if only.is_some_and(|o| o != case) {
            continue;
        }
        if verbose {
            eprintln!("{what} case {case} ({} bytes)", bytes.len());
        }
        if only.is_some() {
            let path = std::env::temp_dir().join("tape-fuzz-case");
            let _ = std::fs::write(&path, &bytes);
            eprintln!("case written to {}", path.display());
        }
        run_case(&bytes, mode, &mut tally);
    }
    eprintln!("{what}: {tally:?}");
    tally
}

// ---------------------------------------------------------------------------------------------
// Binary chunks.

/// `string.dump` of every corpus function and script, with and without debug info.
fn binary_corpus() -> Vec<Vec<u8>> {
    let mut lua = Tape::new();
    let mut out = Vec::new();
    let mut sources: Vec<(String, Vec<u8>)> = vec![("=corpus".into(), CORPUS.as_bytes().into())];
    for (p, src) in test_scripts() {
        sources.push((format!("@{}", p.display()), src));
    }
    let dumper = b"local src, name = ... \
        local f = assert(load(src, name)) \
        local out = {string.dump(f), string.dump(f, true)} \
        local env = setmetatable({}, {__index = _G}) \
        if name == '=corpus' then \
          load(src, name, 't', env)() \
          for k, v in pairs(env) do \
            if type(v) == 'function' then out[#out + 1] = string.dump(v) out[#out + 1] = string.dump(v, true) end \
          end \
        end \
        return table.unpack(out)";
    for (name, src) in &sources {
        let Ok(f) = lua.load(dumper, "=dumper") else {
            panic!("dumper does not load");
        };
        let args = [
            lua.vm().str_value(src).expect("str"),
            lua.vm().str_value(name.as_bytes()).expect("str"),
        ];
        let Ok(vals) = lua.call(f, &args) else {
            continue;
        };
        for v in vals {
            if let Value::Str(s) = v {
                out.push(lua.vm().str_bytes(s).to_vec());
            }
        }
    }
    assert!(out.len() > 40, "binary corpus too small: {}", out.len());
    out
}

/// A random instruction: a random opcode with operand bytes biased to small values.
fn random_instr(rng: &mut Rng) -> Instr {
    loop {
        let mut bytes = vec![rng.below(NUM_OPCODES) as u8];
        for _ in 0..12 {
            let b = rng.operand_byte();
            bytes.push(b);
        }
        // Bool operands must be 0 or 1: retry the few that are not.
        if let Ok(i) = Instr::decode(&bytes, &mut 0) {
            return i;
        }
    }
}

/// Nudges one operand of `i`: re-encodes it and changes one operand byte.
fn nudge_operand(rng: &mut Rng, i: Instr) -> Instr {
    let mut bytes = Vec::new();
    i.encode(&mut bytes);
    if bytes.len() < 2 {
        return i;
    }
    let at = 1 + rng.below(bytes.len() - 1);
    bytes[at] = match rng.below(4) {
        0 => bytes[at].wrapping_add(1),
        1 => bytes[at].wrapping_sub(1),
        2 => rng.operand_byte(),
        _ => bytes[at] ^ (1 << rng.below(8)),
    };
    Instr::decode(&bytes, &mut 0).unwrap_or(i)
}

/// One function of the tree, chosen at random (pre-order index), mutably.
fn pick_proto<'a>(rng: &mut Rng, p: &'a mut Proto) -> &'a mut Proto {
    let mut cur = p;
    while !cur.protos.is_empty() && rng.chance(50) {
        let k = rng.below(cur.protos.len());
        cur = Arc::make_mut(&mut cur.protos[k]);
    }
    cur
}

/// Instruction-level damage to a proto tree.
fn mutate_proto(rng: &mut Rng, root: &mut Proto) {
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        let p = pick_proto(rng, root);
        let n = p.code.len();
        match rng.below(14) {
            0 | 1 if n > 0 => {
                let at = rng.below(n);
                p.code[at] = random_instr(rng);
            }
            2 | 3 | 4 if n > 0 => {
                let at = rng.below(n);
                p.code[at] = nudge_operand(rng, p.code[at]);
            }
            5 if n > 1 => {
                let (x, y) = (rng.below(n), rng.below(n));
                p.code.swap(x, y);
                if p.lines.len() == n {
                    p.lines.swap(x, y);
                }
            }
            6 if n > 0 => {
                let at = rng.below(n);
                p.code.insert(at, random_instr(rng));
                if !p.lines.is_empty() {
                    p.lines.insert(at, 1);
                }
            }
            7 if n > 1 => {
                let at = rng.below(n);
                p.code.remove(at);
                if p.lines.len() == n {
                    p.lines.remove(at);
                }
            }
            8 => {
                p.max_stack = match rng.below(3) {
                    0 => p.max_stack.wrapping_sub(1),
                    1 => p.max_stack.wrapping_add(1),
                    _ => rng.byte(),
                }
            }
            9 => {
                p.num_params = rng.operand_byte();
                if rng.chance(50) {
                    p.is_vararg = !p.is_vararg;
                }
            }
            10 if !p.consts.is_empty() => {
                let at = rng.below(p.consts.len());
                p.consts[at] = match rng.below(6) {
                    0 => Constant::Nil,
                    1 => Constant::Bool(rng.chance(50)),
                    2 => Constant::Int(*rng.pick(&[0, 1, -1, i64::MAX, i64::MIN, 1 << 40])),
                    3 => Constant::Float(*rng.pick(&[0.0, -0.0, 1.5, f64::NAN, f64::INFINITY])),
                    4 => Constant::Str(b"__index".to_vec().into()),
                    _ => Constant::Str(vec![rng.byte(); rng.below(40)].into()),
                };
            }
            11 if !p.upvals.is_empty() => {
                let at = rng.below(p.upvals.len());
                let u = &mut p.upvals[at];
                if rng.chance(50) {
                    u.in_stack = !u.in_stack;
                } else {
                    u.index = rng.operand_byte();
                }
            }
            12 => {
                if rng.chance(50) || p.upvals.is_empty() {
                    p.upvals.push(tape_bytecode::UpvalDesc {
                        name: "u".into(),
                        in_stack: rng.chance(50),
                        index: rng.operand_byte(),
                    });
                } else {
                    p.upvals.pop();
                }
            }
            _ if !p.locals.is_empty() => {
                let at = rng.below(p.locals.len());
                let l = &mut p.locals[at];
                l.start_pc = rng.below(n + 2) as u32;
                l.end_pc = rng.below(n + 2) as u32;
            }
            _ => {}
        }
    }
}

/// Byte-level damage to a chunk.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let n = bytes.len();
        if n == 0 {
            return;
        }
        // Mostly past the header, where the interesting structure is.
        let at = if n > 40 && rng.chance(90) {
            40 + rng.below(n - 40)
        } else {
            rng.below(n)
        };
        match rng.below(10) {
            0 | 1 => bytes[at] ^= 1 << rng.below(8),
            2 | 3 => bytes[at] = rng.operand_byte(),
            4 => bytes.truncate(at),
            5 => {
                let other = rng.pick(corpus);
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let len = rng.below(other.len() - from + 1).min(200);
                    let end = (at + len).min(n);
                    bytes.splice(at..end, other[from..from + len].iter().copied());
                }
            }
            6 => {
                let len = rng.below(8).min(n - at);
                bytes.drain(at..at + len);
            }
            7 => {
                let extra: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.operand_byte()).collect();
                bytes.splice(at..at, extra);
            }
            // A varint length field bumped: small bytes are often counts and lengths.
            _ => {
                if let Some(k) = (at..n).find(|&k| bytes[k] < 0x40) {
                    bytes[k] = match rng.below(4) {
                        0 => bytes[k].wrapping_add(1),
                        1 => bytes[k].wrapping_sub(1),
                        2 => 0x7f,
                        _ => 0xff,
                    };
                }
            }
        }
    }
}

fn binary_case(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let base = rng.pick(corpus).clone();
    if rng.chance(55) {
        // Structured: through the proto, so the damage gets past the parser to the verifier.
        if let Ok(mut p) = tape_bytecode::undump(&base, "=corpus") {
            mutate_proto(rng, &mut p);
            let mut bytes = tape_bytecode::dump(&p, rng.chance(30));
            if rng.chance(10) {
                mutate_bytes(rng, &mut bytes, corpus);
            }
            return bytes;
        }
    }
    let mut bytes = base;
    mutate_bytes(rng, &mut bytes, corpus);
    bytes
}

#[test]
fn fuzz_binary_chunks() {
    let corpus = binary_corpus();
    // The unmutated corpus must load and run.
    let mut clean = Tally::default();
    for c in &corpus {
        run_case(c, "b", &mut clean);
    }
    assert_eq!(
        clean.rejected, 0,
        "an undamaged chunk was rejected: {clean:?}"
    );
    let n = env_usize("TAPE_FUZZ_CASES", 2500);
    let seed = env_usize("TAPE_FUZZ_SEED", 1) as u64;
    let t = run_all("binary", n, seed, |rng, _| (binary_case(rng, &corpus), "b"));
    assert_eq!(t.cases, n.min(t.cases));
}

// ---------------------------------------------------------------------------------------------
// Source text.

const TOKENS: &[&str] = &[
    "local",
    "function",
    "end",
    "if",
    "then",
    "else",
    "elseif",
    "while",
    "do",
    "repeat",
    "until",
    "for",
    "in",
    "return",
    "break",
    "goto",
    "::l::",
    "nil",
    "true",
    "false",
    "and",
    "or",
    "not",
    "x",
    "y",
    "t",
    "f",
    "...",
    "=",
    "==",
    "~=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "^",
    "#",
    "&",
    "|",
    "~",
    "<<",
    ">>",
    "..",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ":",
    ",",
    ".",
    "1",
    "0",
    "-1",
    "3.5",
    "0x10",
    "1e10",
    "\"s\"",
    "'\\n'",
    "[[long]]",
    "<close>",
    "<const>",
    "setmetatable",
    "pcall",
    "error",
    "string",
    "coroutine",
    "\n",
    " ",
    "math.maxinteger",
    "self",
    "--c\n",
    "print",
    "load",
    "collectgarbage",
];

/// Deeply nested or very long constructs, each either within the limits or just past them.
fn nested_case(rng: &mut Rng) -> Vec<u8> {
    let depth = *rng.pick(&[10, 150, 199, 200, 201, 250, 1000, 5000]);
    let rep = |s: &str, n: usize| s.repeat(n);
    let s = match rng.below(19) {
        0 => format!("return {}1{}", rep("(", depth), rep(")", depth)),
        1 => format!("return {}1{}", rep("{", depth), rep("}", depth)),
        2 => format!(
            "local x = 1 {} x = x + 1 {}",
            rep("do ", depth),
            rep(" end", depth)
        ),
        3 => format!("return {}", rep("-", depth) + "1"),
        4 => format!("return 1{}", rep(" + 1", depth * 10)),
        5 => format!("local t = {{}} t{} = 1", rep("[1]", depth)),
        6 => format!(
            "local x = {}function() return 1 end{}",
            rep("function() return ", depth),
            rep(" end", depth)
        ),
        7 => format!("return {}", rep("not ", depth) + "nil"),
        8 => format!("local a = 1 return a{}", rep(" .. a", depth * 10)),
        9 => format!(
            "local f = function(...) return f end return f{}",
            rep("()", depth * 10)
        ),
        10 => format!("return 2{}", rep("^2", depth)),
        11 => format!(
            "if x then {}end",
            rep("if x then ", depth) + &rep("end ", depth)
        ),
        12 => format!("local t = {{{}}}", rep("1,", depth * 100)),
        13 => format!("return {}x{}", rep("{a=", depth), rep("}", depth)),
        14 => format!("local s = 'x' return s{}", rep(":upper()", depth * 5)),
        // Long chains that fail at the end: the error message names the culprit by
        // analysing the bytecode before it.
        15 => format!(
            "local t = {{}} t.a = t return t{}.x.y",
            rep(".a", depth * 20)
        ),
        16 => format!(
            "local t = {{}} t[1] = t return t{}.x.y",
            rep("[t[1][1]]", depth)
        ),
        17 => format!(
            "local f f = function() return f end return f{}.x",
            rep("()", depth * 20)
        ),
        _ => {
            let mut s = String::new();
            for i in 0..(depth.min(300)) {
                s.push_str(&format!("local v{i} = {i} "));
            }
            s
        }
    };
    s.into_bytes()
}

/// Very long tokens: strings, comments, numbers, names.
fn huge_literal_case(rng: &mut Rng) -> Vec<u8> {
    let n = *rng.pick(&[1000, 100_000, 1_000_000]);
    match rng.below(9) {
        0 => format!("return '{}'", "a".repeat(n)),
        1 => format!("return [[{}]]", "x\n".repeat(n / 2)),
        2 => format!("return {}", "9".repeat(n)),
        3 => format!("return 0x{}", "f".repeat(n)),
        4 => format!("return 1e{}", "9".repeat(n.min(5000))),
        5 => format!("local {} = 1", "n".repeat(n)),
        6 => format!("--[==[{}]==] return 1", "]]".repeat(n / 2)),
        7 => format!(
            "return \"{}\"",
            "\\u{7FFFFFFF}\\z   \\x41\\065".repeat(n / 30 + 1)
        ),
        _ => format!("return 0.{}e-{}", "1".repeat(n.min(10000)), "9".repeat(20)),
    }
    .into_bytes()
}

/// The scripts under `tests/lua`, in name order, with their paths.
fn test_scripts() -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(root().join("tests/lua")) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "lua"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|src| (p, src)))
        .collect()
}

/// The test scripts and the corpus, as sources to mutate.
fn lua_scripts() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = test_scripts().into_iter().map(|(_, src)| src).collect();
    out.push(CORPUS.as_bytes().to_vec());
    out
}

fn mutate_source(rng: &mut Rng, src: &mut Vec<u8>, scripts: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(4) {
        let n = src.len();
        if n == 0 {
            return;
        }
        let at = rng.below(n);
        match rng.below(7) {
            0 => src[at] = rng.byte(),
            1 => src[at] = *rng.pick(b"(){}[]=.,;:+-*/%^#<>~\"'\n 019xtend"),
            2 => {
                let len = rng.below(40).min(n - at);
                src.drain(at..at + len);
            }
            3 => {
                let tok = rng.pick(TOKENS).as_bytes().to_vec();
                src.splice(at..at, tok.iter().copied().chain([b' ']));
            }
            4 => {
                // A slice of another script spliced in.
                let other = rng.pick(scripts);
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let len = rng.below(other.len() - from + 1).min(300);
                    src.splice(at..at, other[from..from + len].iter().copied());
                }
            }
            5 => {
                // A line duplicated.
                let start = src[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |k| k + 1);
                let end = src[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(n, |k| at + k + 1);
                let line = src[start..end].to_vec();
                src.splice(start..start, line);
            }
            _ => src.truncate(at),
        }
    }
}

fn source_case(rng: &mut Rng, scripts: &[Vec<u8>]) -> Vec<u8> {
    match rng.below(10) {
        0 | 1 => {
            let mut s = Vec::new();
            for _ in 0..rng.below(60) {
                s.extend_from_slice(rng.pick(TOKENS).as_bytes());
                s.push(b' ');
            }
            s
        }
        2 => (0..rng.below(200))
            .map(|_| rng.byte())
            .filter(|&b| b != 0x1b)
            .collect(),
        3 => nested_case(rng),
        4 => huge_literal_case(rng),
        _ => {
            let mut s = rng.pick(scripts).clone();
            mutate_source(rng, &mut s, scripts);
            if s.first() == Some(&0x1b) {
                s.remove(0);
            }
            s
        }
    }
}

#[test]
fn fuzz_source() {
    let scripts = lua_scripts();
    let n = env_usize("TAPE_FUZZ_CASES", 1200);
    let seed = env_usize("TAPE_FUZZ_SEED", 1) as u64;
    let t = run_all("source", n, seed, |rng, _| {
        (source_case(rng, &scripts), "t")
    });
    assert!(t.ok + t.error + t.rejected + t.host_error == t.cases);
}

// ---------------------------------------------------------------------------------------------
// Regressions: each crash the fuzzers (or the audit of the loading path) found.

/// Naming the culprit of an error analysed the bytecode recursively, once per link of a chain
/// of field accesses, so a long `t.a.a.a...` chain that failed at its end overflowed the Rust
/// stack (200 000 links; lua5.4 itself crashes on this one). The analysis is now a loop.
#[test]
fn long_failing_chain_names_its_culprit() {
    let mut lua = Tape::new();
    let src = format!(
        "local t = {{}} t.a = t return t{}.x.y",
        ".a".repeat(200_000)
    );
    let e = lua.exec(src.as_bytes(), "=chain", &[]).unwrap_err();
    assert_eq!(
        e.message(),
        "chain:1: attempt to index a nil value (field 'x')"
    );
    // The same through method calls and calls of calls.
    let src = format!(
        "local f f = function() return f end return f{}.x",
        "()".repeat(100_000)
    );
    let e = lua.exec(src.as_bytes(), "=calls", &[]).unwrap_err();
    assert_eq!(e.message(), "calls:1: attempt to index a function value");
    let src = format!(
        "local t = {{}} t[1] = t local k = 1 return t{}.x.y",
        "[t[k][k]]".repeat(150)
    );
    let e = lua.exec(src.as_bytes(), "=keys", &[]).unwrap_err();
    assert_eq!(
        e.message(),
        "keys:1: attempt to index a nil value (field '?')"
    );
}

/// Culprit names through `MOVE`s, upvalues, constants and `_ENV` stay as lua5.4 gives them.
#[test]
fn culprit_names_after_the_rewrite() {
    let mut lua = Tape::new();
    let cases: &[(&str, &str)] = &[
        (
            "local t = {} local u = t.x.y",
            "n:1: attempt to index a nil value (field 'x')",
        ),
        (
            "return undefined_global.y",
            "n:1: attempt to index a nil value (global 'undefined_global')",
        ),
        (
            "local up; return (function() return up.x end)()",
            "n:1: attempt to index a nil value (upvalue 'up')",
        ),
        (
            "local t = {} return t[\"k\"].z",
            "n:1: attempt to index a nil value (field 'k')",
        ),
        (
            "local _ENV = {} return g.z",
            "n:1: attempt to index a nil value (global 'g')",
        ),
        (
            "local t = {} t:nomethod()",
            "n:1: attempt to call a nil value (method 'nomethod')",
        ),
        (
            "local t = {} local k = 'k' return t[k].z",
            "n:1: attempt to index a nil value (field '?')",
        ),
        (
            "local a = {} local b = a.q; return b.z",
            "n:1: attempt to index a nil value (local 'b')",
        ),
        (
            "return ('x')()",
            "n:1: attempt to call a string value (constant 'x')",
        ),
    ];
    for (src, want) in cases {
        let e = lua.exec(src.as_bytes(), "=n", &[]).unwrap_err();
        assert_eq!(e.message(), *want, "for {src}");
    }
}
