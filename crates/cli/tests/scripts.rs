//! Runs every Lua script under `tests/lua/` (expected output from lua5.4, checked by
//! `tests/oracle.sh`) and `tests/tape/` (Tape-specific behaviour) with the `tape` binary, and
//! compares stdout plus the first line of stderr on failure with the script's `.out` file.
//! Each directory is one test that lists every mismatching script.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

/// One lock per script: the tests below run the same corpus under different options in
/// parallel, and some scripts write and read a fixed file under /tmp (their expected output
/// names it), so two runs of one script must not overlap.
fn script_lock(name: &str) -> Arc<Mutex<()>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let mut map = LOCKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    map.entry(name.to_string()).or_default().clone()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The same rendering as `tests/expect.sh` (bytes: Lua strings need not be UTF-8).
fn run_script(dir: &Path, script: &str, opts: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_tape"))
        .args(opts)
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("the tape binary runs");
    let mut text = out.stdout;
    if !out.status.success() {
        let first = out.stderr.split(|&b| b == b'\n').next().unwrap_or(b"");
        let first = first.strip_prefix(b"tape: ").unwrap_or(first);
        let code = out.status.code().unwrap_or(-1);
        text.extend_from_slice(format!("!! exit {code}: ").as_bytes());
        text.extend_from_slice(first);
        text.push(b'\n');
    }
    text
}

fn check_dir(name: &str) {
    check_dir_with(name, &[], &[]);
}

fn check_dir_with(name: &str, opts: &[&str], skip: &[&str]) {
    check_scripts(name, opts, |n| !skip.contains(&n));
}

fn check_scripts(name: &str, opts: &[&str], keep: impl Fn(&str) -> bool) {
    let dir = repo_root().join("tests").join(name);
    let mut scripts: Vec<String> = std::fs::read_dir(&dir)
        .expect("test directory exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lua") && keep(n))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    let mut failures = Vec::new();
    for s in &scripts {
        let expected_path = dir.join(s.replace(".lua", ".out"));
        let expected = std::fs::read(&expected_path)
            .unwrap_or_else(|_| panic!("missing expected output {}", expected_path.display()));
        let lock = script_lock(s);
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let got = run_script(&dir, s, opts);
        drop(guard);
        if got != expected {
            failures.push(format!(
                "--- {name}/{s}\n{}",
                first_difference(&expected, &got)
            ));
        }
    }
    println!(
        "{} scripts in tests/{name}, {} failed",
        scripts.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} scripts differ:\n{}",
        failures.len(),
        scripts.len(),
        failures.join("\n")
    );
}

/// The first differing line, for a readable failure.
fn first_difference(expected: &[u8], got: &[u8]) -> String {
    let (expected, got) = (
        String::from_utf8_lossy(expected),
        String::from_utf8_lossy(got),
    );
    let e: Vec<&str> = expected.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let i = (0..e.len().max(g.len()))
        .find(|&i| e.get(i) != g.get(i))
        .unwrap_or(0);
    format!(
        "line {}:\n  expected: {:?}\n  got:      {:?}",
        i + 1,
        e.get(i).copied().unwrap_or("<end>"),
        g.get(i).copied().unwrap_or("<end>")
    )
}

#[test]
fn lua_scripts_match_lua54() {
    check_dir("lua");
}

#[test]
fn tape_specific_scripts() {
    check_dir("tape");
}

/// Every allocation first fails and runs an emergency collection before its retry
/// (`--gc-stress emergency`): an object the emergency roots miss (something a native or the
/// VM holds in a Rust local, a call being set up) is freed and the script's output changes.
/// Skipped: scripts whose output depends on when collections run (finalizer order, weak
/// entries, addresses of collected objects), scripts that allocate in long loops (a full
/// collection per allocation makes them take minutes), and one that makes more objects
/// between two safe points than an emergency collection keeps track of.
#[test]
fn lua_scripts_under_emergency_collections() {
    let timing = [
        "base-misc.lua",
        "core-long-string-identity.lua",
        "gc-finalizers.lua",
        "gc-generational-finalizers.lua",
        "gc-weak-kv-keys.lua",
        "meta-name.lua",
        "gc-dead-registers.lua",
    ];
    let slow = [
        "limits.lua",
        "gc-churn.lua",
        "gc-after-large-heap.lua",
        "gc-incremental-barriers.lua",
        "gc-incremental-steps.lua",
    ];
    let bound = ["load-too-many-functions.lua"];
    let skip: Vec<&str> = timing.iter().chain(&slow).chain(&bound).copied().collect();
    check_dir_with("lua", &["--gc-stress", "emergency"], &skip);
}

/// A full collection at every safe point (`--gc-stress full`) for the `vm-*` scripts, which
/// exercise the interpreter's corners (calls, coroutines, metamethods, errors) broadly: an
/// object the collector's roots miss is freed and the output changes. (`vm-calls.lua` recurses
/// a million frames deep: too slow with a collection per call.)
#[test]
fn vm_scripts_under_full_gc_stress() {
    check_scripts("lua", &["--gc-stress", "full"], |n| {
        n.starts_with("vm-") && n != "vm-calls.lua"
    });
}

/// A tiny incremental collector step at every safe point, with the barrier invariant (no
/// reached object refers to an unreached one) checked at every atomic step
/// (`--gc-stress incremental`): a store that misses its write barrier panics there, and an
/// object freed while still reachable changes the output. Every script runs: a cycle's
/// timing changes nothing that the scripts print.
#[test]
fn lua_scripts_under_incremental_gc_stress() {
    check_dir_with("lua", &["--gc-stress", "incremental"], &[]);
    check_dir_with("tape", &["--gc-stress", "incremental"], &[]);
}

/// A minor collection after every few hundred bytes of allocation in generational mode
/// (`--gc-stress generational`), with the generational
/// invariant (no marked object refers to an unmarked one, every marked table is black)
/// checked after every collection's marking: a store into an old
/// object that misses its barrier panics there, and an object freed while still reachable
/// changes the output. Skipped: a script that expects the finalizers of objects made just
/// before a minor collection to run in it (with collections every few hundred bytes they
/// are old by then, and old garbage waits for a major collection), and a slow one (a
/// 300,000-slot arena swept at every minor collection: two minutes).
#[test]
fn lua_scripts_under_generational_gc_stress() {
    let timing = ["gc-generational-finalizers.lua", "gc-after-large-heap.lua"];
    check_dir_with("lua", &["--gc-stress", "generational"], &timing);
    check_dir_with("tape", &["--gc-stress", "generational"], &[]);
}
