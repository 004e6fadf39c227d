//! How `check_source` judges runs, with shell scripts standing in for the interpreters.
use std::path::{Path, PathBuf};
use std::time::Duration;
use tape_difftest::{check_source, run::Verdict, Config};

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    let mut perm = std::fs::metadata(&p).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(&p, perm).unwrap();
    p
}

#[test]
fn a_reference_that_never_finishes_gives_no_verdict() {
    let dir = std::env::temp_dir().join(format!("tape-difftest-verdicts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = Config {
        lua: script(&dir, "slow-lua", "exec sleep 30"),
        tape: script(&dir, "fast-tape", "echo done"),
        // Long enough for `echo` to finish on a loaded machine.
        timeout: Duration::from_millis(1500),
        lua_fixed: None,
    };
    let c = check_source(&cfg, &dir, "print('done')");
    assert_eq!(c.verdict, Verdict::ReferenceTimeout);
    // Both finishing with the same output is a pass; different output a difference.
    let cfg = Config {
        lua: script(&dir, "same-lua", "echo done"),
        ..cfg
    };
    assert_eq!(check_source(&cfg, &dir, "").verdict, Verdict::Same);
    let cfg = Config {
        lua: script(&dir, "other-lua", "echo other"),
        ..cfg
    };
    assert_eq!(check_source(&cfg, &dir, "").verdict, Verdict::Differ);
    // Tape timing out where lua5.4 finishes stays a difference.
    let cfg = Config {
        tape: script(&dir, "slow-tape", "exec sleep 30"),
        ..cfg
    };
    assert_eq!(check_source(&cfg, &dir, "").verdict, Verdict::Differ);
    let _ = std::fs::remove_dir_all(&dir);
}
