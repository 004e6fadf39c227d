//! Reliability probes: scripts that try to exhaust the host (allocation bombs in every library
//! function that builds data, deep recursion through every kind of call, coroutine and
//! finalizer storms). Each runs in a child process (this test binary started again with
//! `TAPE_PROBE=<name>`) under a 64 MiB memory cap, and must end with its named error while the
//! process's peak resident set (`VmHWM` of `/proc/self/status`, read by the child itself before
//! it exits) stays under the cap plus `SLACK`: the process itself, the compiled program and the
//! allocator's own overhead. A probe that aborted the process, or went past the bound, fails.
//!
//! `cargo test --release -p tape --test integration probes:: -- --nocapture` prints the table.

use std::process::Command;
use tape::Tape;

const CAP: usize = 64 << 20;
/// What the process may use beyond the guest heap's cap.
const SLACK_KB: u64 = 16 << 10;

/// (name, script, the start of the error message it must end with).
const PROBES: &[(&str, &str, &str)] = &[
    (
        "string.rep 2^31",
        "return string.rep('x', 2^31 - 1)",
        "not enough memory",
    ),
    (
        "string.rep with separator",
        "return string.rep('x', 2^28, 'yy')",
        "not enough memory",
    ),
    (
        "table.concat of large pieces",
        "local p = {} for i = 1, 100 do p[i] = string.rep('c', 1 << 20) .. i end \
         return table.concat(p)",
        "not enough memory",
    ),
    (
        "table.concat doubling",
        "local s = 'x' while true do s = table.concat({s, s}) end",
        "not enough memory",
    ),
    (
        "concatenation doubling",
        "local s = 'x' while true do s = s .. s end",
        "not enough memory",
    ),
    (
        "gsub growth",
        "local s = string.rep('a', 1 << 22) return s:gsub('a', string.rep('b', 100))",
        "not enough memory",
    ),
    (
        "gsub with a function",
        "local s = string.rep('a', 1 << 22) \
         return s:gsub('a', function() return string.rep('b', 100) end)",
        "not enough memory",
    ),
    (
        "string.format %s",
        "local s = string.rep('f', 1 << 24) \
         return string.format(string.rep('%s', 20), s, s, s, s, s, s, s, s, s, s, \
                              s, s, s, s, s, s, s, s, s, s)",
        "not enough memory",
    ),
    (
        "string.pack",
        "local s = string.rep('p', 1 << 24) return string.pack(string.rep('z', 20), \
         s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s)",
        "not enough memory",
    ),
    (
        "reverse/upper of a growing string",
        "local s = 'r' while true do s = (s .. s):reverse():upper() end",
        "not enough memory",
    ),
    (
        "utf8.char",
        "local t = {} for i = 1, 200 do t[i] = 0x10FFFF end local u = utf8.char(table.unpack(t)) \
         local all = {} while true do all[#all + 1] = u:rep(1000 + #all) end",
        "not enough memory",
    ),
    (
        "table growth",
        "local t = {} local i = 0 while true do i = i + 1 t[i] = i end",
        "not enough memory",
    ),
    (
        "hash growth",
        "local t = {} local i = 0 while true do i = i + 1 t['k' .. i] = true end",
        "not enough memory",
    ),
    (
        "closures",
        "local t = {} local i = 0 while true do i = i + 1 t[i] = function() return i end end",
        "not enough memory",
    ),
    (
        "load of a 20 MB source",
        "return assert(load(string.rep('x = 1 ', 3500000)))",
        "not enough memory",
    ),
    (
        "table.unpack of a huge range",
        "return table.unpack({}, 1, 1e8)",
        "too many results to unpack",
    ),
    (
        "Lua recursion",
        "local function f(n) return 1 + f(n + 1) end return f(1)",
        // Under 64 MiB the frames run out of room before the 1,000,000-slot stack limit.
        "not enough memory",
    ),
    (
        "metamethod recursion",
        "local t = setmetatable({}, {__index = function(t, k) return t[k .. 'x'] end}) \
         return t.a",
        "C stack overflow",
    ),
    (
        "pcall recursion",
        "local function f() return pcall(f) end local r = {f()} \
         error(r[#r])",
        "C stack overflow",
    ),
    (
        "coroutine recursion",
        "local function f() return coroutine.wrap(f)() end return f()",
        "C stack overflow",
    ),
    (
        "gsub callback recursion",
        "local function f(s) return (s:gsub('.', f)) end return f('ab')",
        "C stack overflow",
    ),
    (
        "sort comparator recursion",
        "local function f() table.sort({3, 2, 1}, function(a, b) f() return a < b end) end \
         return f()",
        "C stack overflow",
    ),
    (
        "__tostring recursion",
        "local t t = setmetatable({}, {__tostring = function() return tostring(t) end}) \
         return tostring(t)",
        "C stack overflow",
    ),
    (
        "deep suspended coroutines",
        "local cos = {} \
         for i = 1, 1000 do \
           local co = coroutine.create(function() \
             local function deep(n) if n == 0 then coroutine.yield() else deep(n - 1) end end \
             deep(100000) end) \
           assert(coroutine.resume(co)) cos[i] = co \
         end",
        "not enough memory",
    ),
    (
        "a million coroutines",
        "local t = {} for i = 1, 1e7 do t[i] = coroutine.create(print) end",
        "not enough memory",
    ),
    (
        "__gc storm",
        "local n = 0 \
         for i = 1, 1e9 do setmetatable({}, {__gc = function(o) n = n + 1 \
           setmetatable({}, getmetatable(o)) end}) end",
        "fuel exhausted",
    ),
    (
        "resurrecting finalizers keep data",
        "local keep = {} \
         for i = 1, 1e9 do setmetatable({string.rep('g', 1000) .. i}, {__gc = function(o) \
           keep[#keep + 1] = o end}) end",
        "not enough memory",
    ),
    (
        "error objects",
        "local e = {} while true do e = {e, string.rep('e', 100)} pcall(error, e) end",
        "not enough memory",
    ),
];

/// Child side: runs one probe and prints `PROBE<TAB>peak_kb<TAB>error message`.
fn run_probe(name: &str) {
    let Some((_, src, _)) = PROBES.iter().find(|(n, _, _)| *n == name) else {
        println!("\nPROBE\t0\tno such probe");
        return;
    };
    let mut tape = Tape::builder()
        .memory_limit(CAP)
        .fuel(100_000_000)
        .build()
        .expect("a VM");
    let msg = match tape.exec(src.as_bytes(), "=probe", &[]) {
        Ok(_) => "finished without an error".to_string(),
        Err(e) => e.message().to_string(),
    };
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("\nPROBE\t{peak}\t{}", msg.lines().next().unwrap_or(""));
}

#[test]
fn bombs_end_in_their_error_within_the_cap() {
    if let Ok(name) = std::env::var("TAPE_PROBE") {
        run_probe(&name);
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let mut failures = Vec::new();
    println!("| probe | peak RSS (MiB) | seconds | error |");
    println!("|---|---:|---:|---|");
    for (name, _, want) in PROBES {
        let start = std::time::Instant::now();
        let out = Command::new(&exe)
            .args([
                "probes::bombs_end_in_their_error_within_the_cap",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("TAPE_PROBE", name)
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout.lines().find_map(|l| l.strip_prefix("PROBE\t"));
        let Some(line) = line else {
            failures.push(format!(
                "{name}: the child died ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            ));
            continue;
        };
        let (peak, msg) = line.split_once('\t').unwrap_or(("0", ""));
        let peak: u64 = peak.parse().unwrap_or(0);
        let shown: String = msg.chars().take(120).collect();
        println!(
            "| {name} | {:.1} | {:.1} | {shown} |",
            peak as f64 / 1024.0,
            start.elapsed().as_secs_f64()
        );
        if !msg.contains(want) {
            failures.push(format!("{name}: error {msg:?}, want {want:?}"));
        }
        if peak > (CAP as u64 >> 10) + SLACK_KB {
            failures.push(format!("{name}: peak RSS {peak} kB over the bound"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
