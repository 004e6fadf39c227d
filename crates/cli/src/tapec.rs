//! `tapec`: Tape's bytecode compiler, shaped like PUC's `luac`:
//! `tapec [options] [filenames]` compiles Lua source (or re-reads binary chunks) into one binary
//! chunk, `tapec.out` unless `-o` says otherwise; several inputs are combined into one main
//! function that runs them in order, as `luac` does. `--dis` writes text assembly (`.tasm`,
//! docs/assembly.md) instead of a binary chunk, `--asm` reads it.
//!
//! Everything `tapec` writes as a binary chunk has been read back through `undump`, which runs
//! the verifier, so it never produces a chunk that `load` would refuse.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use tape_bytecode::{asm, dump, listing, undump, verify, Instr, Proto, UpvalDesc};

const PROGNAME: &str = "tapec";
const DEFAULT_OUTPUT: &str = "tapec.out";

struct Options {
    /// Number of `-l` flags.
    listing: u32,
    output: Option<String>,
    parse_only: bool,
    strip: bool,
    version: bool,
    /// `--dis`: write `.tasm` text instead of a binary chunk.
    dis: bool,
    /// `--asm`: the inputs are `.tasm` text.
    asm: bool,
    files: Vec<String>,
}

fn usage_text() -> String {
    format!(
        "usage: {PROGNAME} [options] [filenames]\n\
         Available options are:\n  \
         -l       list (use -l -l for full listing)\n  \
         -o name  output to file 'name' (default is \"{DEFAULT_OUTPUT}\")\n  \
         -p       parse only\n  \
         -s       strip debug information\n  \
         -v       show version information\n  \
         --dis    write text assembly (.tasm) instead of a binary chunk (default: to stdout)\n  \
         --asm    read the inputs as text assembly (.tasm)\n  \
         --       stop handling options\n  \
         -        stop handling options and process stdin\n"
    )
}

fn usage(msg: &str) -> ExitCode {
    eprint!("{PROGNAME}: {msg}\n{}", usage_text());
    ExitCode::FAILURE
}

fn fatal(msg: &str) -> ExitCode {
    eprintln!("{PROGNAME}: {msg}");
    ExitCode::FAILURE
}

fn parse_args(argv: &[String]) -> Result<Options, String> {
    let mut o = Options {
        listing: 0,
        output: None,
        parse_only: false,
        strip: false,
        version: false,
        dis: false,
        asm: false,
        files: Vec::new(),
    };
    // Options may come before or between file names (luac takes them only before); `--`
    // ends them, and `-` (standard input) is a file name.
    let mut i = 1;
    while let Some(a) = argv.get(i) {
        match a.as_str() {
            "--" => {
                o.files
                    .extend(argv.get(i + 1..).unwrap_or(&[]).iter().cloned());
                break;
            }
            "-" => o.files.push(a.clone()),
            "-l" => o.listing += 1,
            "-o" => {
                i += 1;
                match argv.get(i) {
                    Some(name) if name != "--" && !(name.starts_with('-') && name != "-") => {
                        o.output = Some(name.clone())
                    }
                    _ => return Err("'-o' needs argument".into()),
                }
            }
            "-p" => o.parse_only = true,
            "-s" => o.strip = true,
            "-v" => o.version = true,
            "--dis" => o.dis = true,
            "--asm" => o.asm = true,
            s if s.starts_with('-') => return Err(format!("unrecognized option '{s}'")),
            _ => o.files.push(a.clone()),
        }
        i += 1;
    }
    if o.dis && o.asm {
        return Err("'--dis' and '--asm' exclude each other".into());
    }
    Ok(o)
}

/// The C library's text for an I/O error, without Rust's " (os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Reads an input file (`-`: standard input) with the chunk name `load` would give it.
fn read_input(name: &str) -> Result<(Vec<u8>, String), String> {
    if name == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| format!("cannot read stdin: {}", io_reason(&e)))?;
        Ok((b, "=stdin".to_string()))
    } else {
        let b =
            std::fs::read(name).map_err(|e| format!("cannot open {name}: {}", io_reason(&e)))?;
        Ok((b, format!("@{name}")))
    }
}

/// One compiled input, and whether it came from a stripped binary chunk.
struct Input {
    proto: Proto,
    stripped: bool,
}

/// Compiles source, or reads (and verifies) a binary chunk, or assembles `.tasm` text.
fn load_input(name: &str, as_asm: bool) -> Result<Input, String> {
    let (bytes, chunkname) = read_input(name)?;
    if as_asm {
        let text = String::from_utf8(bytes).map_err(|_| format!("{name}: not UTF-8 text"))?;
        let shown = if name == "-" { "stdin" } else { name };
        let a = asm::assemble(&text, shown)?;
        // Through the binary format and back: the loader's checks (verifier, nesting) apply.
        let bin = dump(&a.proto, a.strip);
        let proto = undump(&bin, &chunkname)?;
        return Ok(Input {
            proto,
            stripped: a.strip,
        });
    }
    let src = tape::file_chunk_source(&bytes);
    if src.first() == Some(&0x1b) {
        let proto = undump(&src, &chunkname)?;
        let stripped = dump(&proto, true) == *src && dump(&proto, false) != *src;
        Ok(Input { proto, stripped })
    } else {
        let proto = tape::compile(&src, &chunkname)?;
        Ok(Input {
            proto: Arc::unwrap_or_clone(proto),
            stripped: false,
        })
    }
}

/// One main function that runs each input's main function in order (what `luac` builds for
/// several files): `CLOSURE 0 i; CALL 0 1 1` per input, then `RETURN 0 1`. Each input's first
/// upvalue (its `_ENV`) becomes the combined main's `_ENV`.
fn combine(inputs: Vec<Proto>) -> Result<Proto, String> {
    let mut code = Vec::with_capacity(inputs.len() * 2 + 1);
    let mut protos = Vec::with_capacity(inputs.len());
    for (i, mut p) in inputs.into_iter().enumerate() {
        let idx = u32::try_from(i).map_err(|_| "too many input files".to_string())?;
        code.push(Instr::Closure { a: 0, p: idx });
        code.push(Instr::Call { a: 0, b: 1, c: 1 });
        if let Some(u) = p.upvals.first_mut() {
            u.in_stack = false;
            u.index = 0;
        }
        protos.push(Arc::new(p));
    }
    code.push(Instr::Return { a: 0, b: 1 });
    let main = Proto {
        source: Arc::from("=(tapec)"),
        line_defined: 0,
        last_line_defined: 0,
        num_params: 0,
        is_vararg: true,
        max_stack: 2,
        lines: vec![0; code.len()],
        code,
        consts: Vec::new(),
        upvals: vec![UpvalDesc {
            name: "_ENV".into(),
            in_stack: true,
            index: 0,
        }],
        protos,
        locals: Vec::new(),
    };
    verify::verify(&main).map_err(|e| e.to_string())?;
    Ok(main)
}

/// Writes `bytes` to `name` (`-`: standard output).
fn write_output(name: &str, bytes: &[u8]) -> Result<(), String> {
    if name == "-" {
        let mut out = std::io::stdout().lock();
        return out
            .write_all(bytes)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write stdout: {}", io_reason(&e)));
    }
    std::fs::write(name, bytes).map_err(|e| format!("cannot write {name}: {}", io_reason(&e)))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let o = match parse_args(&argv) {
        Ok(o) => o,
        Err(msg) => return usage(&msg),
    };
    if o.version {
        println!("{}", tape::VERSION_BANNER);
        if o.files.is_empty() {
            return ExitCode::SUCCESS;
        }
    }
    if o.files.is_empty() {
        return usage("no input files given");
    }
    let mut inputs = Vec::with_capacity(o.files.len());
    let mut stripped = false;
    for f in &o.files {
        match load_input(f, o.asm) {
            Ok(i) => {
                stripped |= i.stripped;
                inputs.push(i.proto);
            }
            Err(msg) => return fatal(&msg),
        }
    }
    let proto = if inputs.len() == 1 {
        match inputs.pop() {
            Some(p) => p,
            None => return fatal("no input"),
        }
    } else {
        match combine(inputs) {
            Ok(p) => p,
            Err(msg) => return fatal(&msg),
        }
    };
    if o.listing > 0 {
        print!("{}", listing::list_with(&proto, o.listing > 1));
        let _ = std::io::stdout().flush();
    }
    if o.parse_only {
        return ExitCode::SUCCESS;
    }
    let strip = o.strip || (stripped && o.dis);
    if o.dis {
        // What a stripped chunk keeps is what the text shows: strip through the binary format.
        let shown = if o.strip {
            match undump(&dump(&proto, true), "=(tapec)") {
                Ok(p) => p,
                Err(msg) => return fatal(&msg),
            }
        } else {
            proto
        };
        let text = asm::disassemble(&shown, strip);
        let out = o.output.as_deref().unwrap_or("-");
        return match write_output(out, text.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => fatal(&msg),
        };
    }
    let strip = o.strip || (o.asm && stripped);
    let bytes = dump(&proto, strip);
    let out = o.output.as_deref().unwrap_or(DEFAULT_OUTPUT);
    match write_output(out, &bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => fatal(&msg),
    }
}
