//! Runs every `tests/lua/*.lua` script and compares its output (errors included, printed as
//! the `lua` tool would: `lua: msg`) with the `.expected` file produced by `lua5.4`.
mod common;

use std::path::Path;

fn run_file(path: &Path, stress: bool) -> String {
    let src = std::fs::read(path).expect("read");
    let (mut vm, cap) = common::new_vm();
    vm.set_gc_stress(stress);
    let mut out = String::new();
    match vm.load(&src, "=stdin") {
        Ok(f) => {
            if let Err(e) = vm.call(f, &[]) {
                vm.flush_output();
                out.push_str(&String::from_utf8_lossy(&cap.0.lock().unwrap()));
                out.push_str(&format!("lua5.4: {}\n{}\n", e.message(), e.traceback()));
                return out;
            }
        }
        Err(e) => return format!("lua5.4: {}\n", e.message()),
    }
    vm.flush_output();
    out.push_str(&String::from_utf8_lossy(&cap.0.lock().unwrap()));
    out
}

/// Replaces fake addresses (`0x...`) so outputs compare across interpreters.
fn scrub(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("0x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let n = tail.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
        if n >= 8 {
            out.push_str("ADDR");
        } else {
            out.push_str(&rest[i..i + 2 + n]);
        }
        rest = &tail[n..];
    }
    out.push_str(rest);
    out
}

#[test]
fn lua_scripts_match_reference() {
    check_all(false);
}

/// The same scripts with a full collection at every safe point.
#[test]
fn lua_scripts_under_gc_stress() {
    check_all(true);
}

fn check_all(stress: bool) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua");
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.extension().and_then(|e| e.to_str()) != Some("lua") {
            continue;
        }
        // calls.lua recurses a million frames deep: too slow with a collection per call.
        if stress && p.file_name().and_then(|n| n.to_str()) == Some("calls.lua") {
            continue;
        }
        let want = std::fs::read_to_string(p.with_extension("expected")).unwrap_or_default();
        let got = run_file(&p, stress);
        let (w, g) = (scrub(&want), scrub(&got));
        if w != g {
            let wl: Vec<&str> = w.lines().collect();
            let gl: Vec<&str> = g.lines().collect();
            let mut diff = String::new();
            for i in 0..wl.len().max(gl.len()) {
                let (a, b) = (
                    wl.get(i).copied().unwrap_or("<none>"),
                    gl.get(i).copied().unwrap_or("<none>"),
                );
                if a != b {
                    diff.push_str(&format!(
                        "  line {}:\n    want: {}\n    got:  {}\n",
                        i + 1,
                        a,
                        b
                    ));
                }
            }
            failures.push(format!("{}:\n{}", p.display(), diff));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
