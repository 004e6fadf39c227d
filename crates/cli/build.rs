//! Links the `tape` binary with `hot-text.ld` on Linux: the functions every run executes are
//! packed together, so a short script keeps about 1 MB less of the binary resident (see
//! `tools/hot-text.py`). The script only orders code; a linker without it would produce the
//! same program. `TAPE_NO_HOT_TEXT=1` links without it: valgrind reads line tables only for
//! code in `.text`, so `callgrind_annotate` needs such a build to show source lines.

fn main() {
    println!("cargo:rerun-if-changed=hot-text.ld");
    println!("cargo:rerun-if-env-changed=TAPE_NO_HOT_TEXT");
    // Read by tools/link-gcc when it links `tape`: a change must relink it.
    println!("cargo:rerun-if-env-changed=TAPE_DYNAMIC");
    let no_layout = std::env::var_os("TAPE_NO_HOT_TEXT").is_some_and(|v| !v.is_empty() && v != "0");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "linux" || env != "gnu" {
        return;
    }
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let script = std::path::Path::new(&dir).join("hot-text.ld");
    if script.exists() && !no_layout {
        println!("cargo:rustc-link-arg-bin=tape=-Wl,-T,{}", script.display());
    }
    // Relative relocations packed (DT_RELR): 85 KB of `.rela.dyn` that the loader reads at
    // every start become 1 KB. Only where the linker knows the option (binutils 2.38+).
    let ld_help = std::process::Command::new("ld").arg("--help").output();
    if ld_help.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("pack-relative-relocs")) {
        println!("cargo:rustc-link-arg-bin=tape=-Wl,-z,pack-relative-relocs");
    }
}
