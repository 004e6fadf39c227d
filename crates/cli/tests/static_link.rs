//! On x86-64 Linux with glibc the `tape` command is linked statically (tools/link-gcc, named as
//! the linker in .cargo/config.toml): no program interpreter, so no shared library is mapped at
//! start (docs/performance.md, "A static tape"). A build with `TAPE_DYNAMIC=1` links it
//! dynamically on purpose and skips the check.

/// The program headers' types of a 64-bit little-endian ELF file.
fn program_header_types(elf: &[u8]) -> Vec<u32> {
    assert_eq!(&elf[..4], b"\x7fELF", "an ELF file");
    assert_eq!(elf[4], 2, "64-bit");
    assert_eq!(elf[5], 1, "little-endian");
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes([elf[o], elf[o + 1], elf[o + 2], elf[o + 3]]);
    let u64_at = |o: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&elf[o..o + 8]);
        u64::from_le_bytes(b) as usize
    };
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    (0..phnum).map(|i| u32_at(phoff + i * phentsize)).collect()
}

#[test]
#[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
fn tape_is_linked_statically() {
    if option_env!("TAPE_DYNAMIC").is_some_and(|v| !v.is_empty() && v != "0") {
        return;
    }
    const PT_INTERP: u32 = 3;
    const PT_LOAD: u32 = 1;
    let elf = std::fs::read(env!("CARGO_BIN_EXE_tape")).expect("the tape binary");
    let types = program_header_types(&elf);
    assert!(types.contains(&PT_LOAD), "{types:?}");
    assert!(
        !types.contains(&PT_INTERP),
        "tape names a program interpreter: {types:?}"
    );
}
