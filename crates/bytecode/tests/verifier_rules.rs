//! The verifier, rule by rule: every `tests/verifier/NAME.tasm` breaks exactly one rule of
//! `docs/verifier.md` and must be rejected by the loader (`undump`, which runs the verifier) with
//! exactly the text in `NAME.err`. Every file is named in `docs/verifier.md` and every file the
//! document names exists. `TAPE_BLESS=1` rewrites the `.err` files (review the diff).

use std::path::PathBuf;
use tape_bytecode::asm::assemble;
use tape_bytecode::{dump, undump};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hostile_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/verifier"))
        .expect("tests/verifier exists")
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".tasm").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_hostile_file_is_rejected_with_its_error() {
    let dir = root().join("tests/verifier");
    let bless = std::env::var_os("TAPE_BLESS").is_some();
    let mut failures = Vec::new();
    let names = hostile_files();
    assert!(names.len() >= 30, "only {} hostile files", names.len());
    for name in &names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.tasm"))).expect("read");
        let a = assemble(&text, &format!("{name}.tasm"))
            .unwrap_or_else(|e| panic!("{name}.tasm does not assemble: {e}"));
        let got = match undump(&dump(&a.proto, a.strip), &format!("={name}")) {
            Ok(_) => format!("(accepted)"),
            Err(e) => e,
        };
        let err_path = dir.join(format!("{name}.err"));
        if bless {
            std::fs::write(&err_path, format!("{got}\n")).expect("write .err");
            continue;
        }
        let want = std::fs::read_to_string(&err_path).unwrap_or_default();
        if want.trim_end() != got {
            failures.push(format!("{name}:\n  want {}\n  got  {got}", want.trim_end()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_document_names_every_hostile_file() {
    let doc = std::fs::read_to_string(root().join("docs/verifier.md")).expect("docs/verifier.md");
    let names = hostile_files();
    for name in &names {
        assert!(
            doc.contains(&format!("`{name}.tasm`")),
            "docs/verifier.md does not name {name}.tasm"
        );
    }
    for part in doc.split('`').skip(1).step_by(2) {
        if let Some(name) = part.strip_suffix(".tasm") {
            if !name.contains('/') && !name.contains(' ') && !name.is_empty() && name != "NAME" {
                assert!(
                    names.iter().any(|n| n == name),
                    "docs/verifier.md names a missing {part}"
                );
            }
        }
    }
}
