//! Links the `tape` binary with `hot-text.ld` on Linux: the functions every run executes are
//! packed together, so a short script keeps about 1 MB less of the binary resident (see
//! `tools/hot-text.py`). The script only orders code; a linker without it would produce the
//! same program. `TAPE_NO_HOT_TEXT=1` links without it: valgrind reads line tables only for
//! code in `.text`, so `callgrind_annotate` needs such a build to show source lines.

fn main() {
    println!("cargo:rerun-if-changed=hot-text.ld");
    println!("cargo:rerun-if-env-changed=TAPE_NO_HOT_TEXT");
    if std::env::var_os("TAPE_NO_HOT_TEXT").is_some_and(|v| !v.is_empty() && v != "0") {
        return;
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "linux" || env != "gnu" {
        return;
    }
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let script = std::path::Path::new(&dir).join("hot-text.ld");
    if script.exists() {
        println!("cargo:rustc-link-arg-bin=tape=-Wl,-T,{}", script.display());
    }
}
