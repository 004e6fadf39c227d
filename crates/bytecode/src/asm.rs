//! Text assembly (`.tasm`): `disassemble` writes a proto tree as text, `assemble` reads it back.
//! The format is specified in `docs/assembly.md`; in short:
//!
//! ```text
//! .tasm 1                       format line (first directive of every file)
//! .strip                        optional: the binary chunk is written without debug info
//! .function                     one block per function; children nest inside their parent
//!   .source "@x.lua"            optional (default: the parent's source; "=?" for the root)
//!   .defined 3 7                line_defined last_line_defined
//!   .params 2                   fixed parameters
//!   .vararg                     optional
//!   .maxstack 5                 frame size
//!   .upvalue "x" stack 0        captured from register 0 of the parent ("up N": parent's upvalue N)
//!   .const string "print"       constants in index order: nil true false int float floatbits string
//!   .local "i" 2 9              debug name of a local, live for 2 <= pc < 9
//!   .line 4                     the source line of the instructions that follow
//! L3:                           a label: the pc of the next instruction
//!   FORLOOP 1 L3                mnemonic and operands in table order; a jump takes a label or an offset
//!   .function ... .end          nested functions (in `Closure` index order)
//! .end
//! ```
//!
//! `;` starts a comment. The disassembler writes everything a binary chunk holds, so
//! `assemble(disassemble(p))` is `p` again and dumps to the same bytes. The assembler checks only
//! the syntax and the operand ranges, not the verifier's rules: a caller that produces a chunk
//! must run it through `undump` (or `verify_tree`), as `tapec --asm` does. It never panics and
//! uses no recursion, so any input text is safe.

use crate::isa::{Instr, OperandError};
use crate::listing;
use crate::proto::{Constant, LocalVar, Proto, UpvalDesc};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

/// The text format's version, written as `.tasm 1`.
pub const TASM_VERSION: u32 = 1;

/// Deepest nesting of `.function` blocks the assembler accepts. Deeper than `undump` allows
/// (`undump::MAX_NESTING`), so that the limit of the binary format can itself be tested from a
/// `.tasm` file, and shallow enough that dropping the tree cannot exhaust the Rust stack.
pub const ASM_MAX_NESTING: usize = 1000;

/// An assembled chunk: the proto tree and whether the file asked for a stripped chunk.
#[derive(Clone, Debug)]
pub struct Assembled {
    pub proto: Proto,
    pub strip: bool,
}

// ---------------------------------------------------------------------------------------------
// Disassembler

/// Quotes bytes as a `.tasm` string: printable ASCII as is except `"` and `\`, which are
/// escaped, `\n`, `\r`, `\t`, and every other byte as `\xHH`.
pub fn quote(bytes: &[u8]) -> String {
    crate::listing::quote_with(bytes, |out, b| {
        let _ = write!(out, "\\x{:02x}", b);
    })
}

/// A constant's `.const` operands.
fn const_text(c: &Constant) -> String {
    match c {
        Constant::Nil => "nil".into(),
        Constant::Bool(true) => "true".into(),
        Constant::Bool(false) => "false".into(),
        Constant::Int(i) => format!("int {}", i),
        Constant::Float(f) if f.is_nan() => format!("floatbits 0x{:016x}", f.to_bits()),
        Constant::Float(f) => format!("float {:?}", f),
        Constant::Str(s) => format!("string {}", quote(s)),
    }
}

/// The jump target of the instruction at `pc` (pc of the instruction jumped to), if it has one.
fn jump_target(pc: usize, i: &Instr) -> Option<i64> {
    i.jump().map(|j| pc as i64 + 1 + j as i64)
}

/// Writes `proto` and its nested functions as `.tasm` text. `strip` records that the chunk is
/// to be written without debug info (`.strip`).
pub fn disassemble(proto: &Proto, strip: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "; Tape assembly (docs/assembly.md)");
    let _ = writeln!(out, ".tasm {}", TASM_VERSION);
    if strip {
        let _ = writeln!(out, ".strip");
    }
    // Explicit stack: `Some((proto, parent source, child index))` opens a function, `None`
    // closes the innermost open one.
    enum Step<'a> {
        Open(&'a Proto, Option<&'a str>, usize),
        Close,
    }
    let mut work: Vec<(Step, usize)> = vec![(Step::Open(proto, None, 0), 0)];
    while let Some((step, depth)) = work.pop() {
        let ind = "  ".repeat(depth);
        match step {
            Step::Close => {
                let _ = writeln!(out, "{}.end", ind);
            }
            Step::Open(p, parent_source, index) => {
                write_function(p, parent_source, index, depth, &mut out);
                work.push((Step::Close, depth));
                let src: &str = &p.source;
                for (i, c) in p.protos.iter().enumerate().rev() {
                    work.push((Step::Open(c, Some(src), i), depth + 1));
                }
            }
        }
    }
    out
}

fn write_function(
    p: &Proto,
    parent_source: Option<&str>,
    index: usize,
    depth: usize,
    out: &mut String,
) {
    let ind = "  ".repeat(depth);
    let what = if parent_source.is_none() {
        "main".to_string()
    } else {
        format!("function {}", index)
    };
    let _ = writeln!(
        out,
        "{ind}.function   ; {what} <{},{}>",
        p.line_defined, p.last_line_defined
    );
    let ind = "  ".repeat(depth + 1);
    if parent_source != Some(&*p.source) {
        let _ = writeln!(out, "{ind}.source {}", quote(p.source.as_bytes()));
    }
    let _ = writeln!(
        out,
        "{ind}.defined {} {}",
        p.line_defined, p.last_line_defined
    );
    let _ = writeln!(out, "{ind}.params {}", p.num_params);
    if p.is_vararg {
        let _ = writeln!(out, "{ind}.vararg");
    }
    let _ = writeln!(out, "{ind}.maxstack {}", p.max_stack);
    for (k, u) in p.upvals.iter().enumerate() {
        let _ = writeln!(
            out,
            "{ind}.upvalue {} {} {}   ; u{}",
            quote(u.name.as_bytes()),
            if u.in_stack { "stack" } else { "up" },
            u.index,
            k
        );
    }
    for (k, c) in p.consts.iter().enumerate() {
        let _ = writeln!(out, "{ind}.const {}   ; k{}", const_text(c), k);
    }
    for l in &p.locals {
        let _ = writeln!(
            out,
            "{ind}.local {} {} {}",
            quote(l.name.as_bytes()),
            l.start_pc,
            l.end_pc
        );
    }
    let n = p.code.len();
    let mut labelled = vec![false; n + 1];
    for (pc, i) in p.code.iter().enumerate() {
        if let Some(t) = jump_target(pc, i) {
            if t >= 0 && t <= n as i64 {
                labelled[t as usize] = true;
            }
        }
    }
    let mut line = None;
    for (pc, i) in p.code.iter().enumerate() {
        if labelled.get(pc) == Some(&true) {
            let _ = writeln!(out, "{}L{}:", "  ".repeat(depth), pc);
        }
        if let Some(&l) = p.lines.get(pc) {
            if line != Some(l) {
                let _ = writeln!(out, "{ind}.line {}", l);
                line = Some(l);
            }
        }
        let mut text = format!("{ind}{}", i.name());
        for (field, v) in i.operands() {
            match jump_target(pc, i) {
                Some(t) if field == "j" && t >= 0 && t <= n as i64 => {
                    let _ = write!(text, " L{}", t);
                }
                _ => {
                    let _ = write!(text, " {}", v);
                }
            }
        }
        // The listing's notes, except jump targets (1-based there; the label says it here).
        let comment = match *i {
            Instr::EqK { c, .. } => p
                .consts
                .get(c as usize)
                .map(listing::constant_text)
                .unwrap_or_default(),
            Instr::LFalseSkip { .. } => String::new(),
            _ if i.jump().is_some() => String::new(),
            _ => listing::comment(p, pc, i),
        };
        let _ = write!(
            text,
            "{:w$}; {}",
            "",
            pc,
            w = 32usize.saturating_sub(text.len()) + 1
        );
        if !comment.is_empty() {
            let _ = write!(text, "  {}", comment);
        }
        let _ = writeln!(out, "{}", text);
    }
    if labelled.get(n) == Some(&true) {
        let _ = writeln!(out, "{}L{}:", "  ".repeat(depth), n);
    }
}

// ---------------------------------------------------------------------------------------------
// Assembler

/// One token of a line.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A run of characters other than blanks, `;`, `"` and `:`.
    Word(String),
    /// A quoted string, unescaped.
    Str(Vec<u8>),
    /// `:`
    Colon,
}

fn tokenize(line: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b';' => break,
            b':' => {
                toks.push(Tok::Colon);
                i += 1;
            }
            b'"' => {
                i += 1;
                let mut s = Vec::new();
                loop {
                    let Some(&c) = b.get(i) else {
                        return Err("unfinished string".into());
                    };
                    i += 1;
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = b.get(i) else {
                                return Err("unfinished string".into());
                            };
                            i += 1;
                            match e {
                                b'"' => s.push(b'"'),
                                b'\\' => s.push(b'\\'),
                                b'n' => s.push(b'\n'),
                                b'r' => s.push(b'\r'),
                                b't' => s.push(b'\t'),
                                b'x' => {
                                    let hex = b
                                        .get(i..i + 2)
                                        .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                                        .and_then(|h| std::str::from_utf8(h).ok())
                                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                                    match hex {
                                        Some(v) => {
                                            s.push(v);
                                            i += 2;
                                        }
                                        None => {
                                            return Err("'\\x' needs two hexadecimal digits".into())
                                        }
                                    }
                                }
                                _ => {
                                    return Err(format!(
                                        "invalid escape '\\{}' in string",
                                        char::from(e).escape_default()
                                    ))
                                }
                            }
                        }
                        _ => s.push(c),
                    }
                }
                toks.push(Tok::Str(s));
            }
            _ => {
                let start = i;
                while let Some(&c) = b.get(i) {
                    if matches!(c, b' ' | b'\t' | b'\r' | b';' | b'"' | b':') {
                        break;
                    }
                    i += 1;
                }
                toks.push(Tok::Word(line.get(start..i).unwrap_or("").to_string()));
            }
        }
    }
    Ok(toks)
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{}'", w),
        Tok::Str(s) => quote(s),
        Tok::Colon => "':'".into(),
    }
}

/// A function block being read.
struct Open {
    proto: Proto,
    /// Line of `.function`, for messages about the block as a whole.
    line_no: usize,
    source_set: bool,
    seen: Vec<&'static str>,
    labels: HashMap<String, usize>,
    /// (pc, label, line of the instruction) for jumps to labels.
    fixups: Vec<(usize, String, usize)>,
    /// The current `.line`, and each instruction's line (None: before any `.line`).
    line: Option<u32>,
    lines: Vec<Option<u32>>,
}

fn is_label_name(w: &str) -> bool {
    let mut chars = w.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn int<T: TryFrom<i64>>(t: Option<&Tok>, what: &str) -> Result<T, String> {
    let (w, v) = match t {
        Some(Tok::Word(w)) => (w.as_str(), w.parse::<i64>().ok()),
        Some(other) => {
            return Err(format!(
                "{what}: expected a number, got {}",
                tok_text(other)
            ))
        }
        None => return Err(format!("{what}: expected a number")),
    };
    match v.and_then(|v| T::try_from(v).ok()) {
        Some(v) => Ok(v),
        None => Err(format!("{what}: '{w}' is not a number in range")),
    }
}

fn string_tok(t: Option<&Tok>, what: &str) -> Result<Vec<u8>, String> {
    match t {
        Some(Tok::Str(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "{what}: expected a quoted string, got {}",
            tok_text(other)
        )),
        None => Err(format!("{what}: expected a quoted string")),
    }
}

fn name_tok(t: Option<&Tok>, what: &str) -> Result<String, String> {
    String::from_utf8(string_tok(t, what)?).map_err(|_| format!("{what}: name is not valid UTF-8"))
}

fn no_more(toks: &[Tok], n: usize, what: &str) -> Result<(), String> {
    match toks.get(n) {
        Some(t) => Err(format!("{what}: unexpected {}", tok_text(t))),
        None => Ok(()),
    }
}

/// Reads `.tasm` text. Errors read `filename:line: message`.
pub fn assemble(text: &str, filename: &str) -> Result<Assembled, String> {
    let mut asm = Asm {
        stack: Vec::new(),
        root: None,
        strip: false,
        version_seen: false,
        err_line: None,
    };
    let mut last = 0;
    for (i, line) in text.lines().enumerate() {
        last = i + 1;
        if let Err(m) = asm.line(line, i + 1) {
            let at = asm.err_line.take().unwrap_or(i + 1);
            return Err(format!("{}:{}: {}", filename, at, m));
        }
    }
    if let Some(open) = asm.stack.last() {
        return Err(format!(
            "{}:{}: '.function' at line {} has no '.end'",
            filename, last, open.line_no
        ));
    }
    match asm.root {
        Some(proto) => Ok(Assembled {
            proto,
            strip: asm.strip,
        }),
        None => Err(format!("{}:{}: no '.function' block", filename, last)),
    }
}

struct Asm {
    stack: Vec<Open>,
    root: Option<Proto>,
    strip: bool,
    version_seen: bool,
    /// The line an error is about, when not the line being read (a label's use, found at
    /// `.end`).
    err_line: Option<usize>,
}

impl Asm {
    fn line(&mut self, line: &str, no: usize) -> Result<(), String> {
        let toks = tokenize(line)?;
        let Some(first) = toks.first() else {
            return Ok(());
        };
        let Tok::Word(w) = first else {
            return Err(format!(
                "unexpected {} at the start of a line",
                tok_text(first)
            ));
        };
        if !self.version_seen {
            if w != ".tasm" {
                return Err(format!(
                    "expected '.tasm {}' before anything else",
                    TASM_VERSION
                ));
            }
            let v: u32 = int(toks.get(1), ".tasm")?;
            if v != TASM_VERSION {
                return Err(format!(
                    "unsupported .tasm version {} (this assembler reads version {})",
                    v, TASM_VERSION
                ));
            }
            self.version_seen = true;
            return no_more(&toks, 2, ".tasm");
        }
        if toks.get(1) == Some(&Tok::Colon) {
            // A label, possibly followed by an instruction.
            if !is_label_name(w) {
                return Err(format!("invalid label name '{}'", w));
            }
            let Some(f) = self.stack.last_mut() else {
                return Err("label outside a '.function' block".into());
            };
            let pc = f.proto.code.len();
            if f.labels.insert(w.clone(), pc).is_some() {
                return Err(format!("label '{}' defined twice", w));
            }
            return match toks.get(2) {
                None => Ok(()),
                Some(_) => self.statement(toks.get(2..).unwrap_or(&[]), no),
            };
        }
        self.statement(&toks, no)
    }

    fn statement(&mut self, toks: &[Tok], no: usize) -> Result<(), String> {
        let w = match toks.first() {
            Some(Tok::Word(w)) => w.as_str(),
            Some(t) => return Err(format!("unexpected {}", tok_text(t))),
            None => return Ok(()),
        };
        match w {
            ".tasm" => Err("'.tasm' given twice".into()),
            ".strip" => {
                if !self.stack.is_empty() || self.root.is_some() {
                    return Err("'.strip' must come before the first '.function'".into());
                }
                self.strip = true;
                no_more(toks, 1, ".strip")
            }
            ".function" => {
                no_more(toks, 1, ".function")?;
                if self.root.is_some() {
                    return Err(
                        "a second top-level '.function' (a chunk has one main function)".into(),
                    );
                }
                if self.stack.len() >= ASM_MAX_NESTING {
                    return Err(format!(
                        "functions nested deeper than {} levels",
                        ASM_MAX_NESTING
                    ));
                }
                let source = match self.stack.last() {
                    Some(p) => p.proto.source.clone(),
                    None => Arc::from("=?"),
                };
                self.stack.push(Open {
                    proto: Proto {
                        source,
                        line_defined: 0,
                        last_line_defined: 0,
                        num_params: 0,
                        is_vararg: false,
                        max_stack: 0,
                        code: Vec::new(),
                        lines: Vec::new(),
                        consts: Vec::new(),
                        upvals: Vec::new(),
                        protos: Vec::new(),
                        locals: Vec::new(),
                    },
                    line_no: no,
                    source_set: false,
                    seen: Vec::new(),
                    labels: HashMap::new(),
                    fixups: Vec::new(),
                    line: None,
                    lines: Vec::new(),
                });
                Ok(())
            }
            ".end" => {
                no_more(toks, 1, ".end")?;
                let Some(open) = self.stack.pop() else {
                    return Err("'.end' without '.function'".into());
                };
                let proto = finish(open).map_err(|(line, m)| {
                    self.err_line = line;
                    m
                })?;
                match self.stack.last_mut() {
                    Some(parent) => parent.proto.protos.push(Arc::new(proto)),
                    None => self.root = Some(proto),
                }
                Ok(())
            }
            _ => {
                let Some(f) = self.stack.last_mut() else {
                    return Err(format!("'{}' outside a '.function' block", w));
                };
                if w.starts_with('.') {
                    directive(f, w, toks)
                } else {
                    instruction(f, w, toks, no)
                }
            }
        }
    }
}

/// Header and table directives inside a function block.
fn directive(f: &mut Open, w: &str, toks: &[Tok]) -> Result<(), String> {
    let once = |f: &mut Open, d: &'static str| -> Result<(), String> {
        if f.seen.contains(&d) {
            return Err(format!("'{}' given twice in one function", d));
        }
        f.seen.push(d);
        Ok(())
    };
    match w {
        ".source" => {
            once(f, ".source")?;
            let s = name_tok(toks.get(1), ".source")?;
            f.proto.source = Arc::from(s.as_str());
            f.source_set = true;
            no_more(toks, 2, ".source")
        }
        ".defined" => {
            once(f, ".defined")?;
            f.proto.line_defined = int(toks.get(1), ".defined")?;
            f.proto.last_line_defined = int(toks.get(2), ".defined")?;
            no_more(toks, 3, ".defined")
        }
        ".params" => {
            once(f, ".params")?;
            f.proto.num_params = int(toks.get(1), ".params")?;
            no_more(toks, 2, ".params")
        }
        ".vararg" => {
            once(f, ".vararg")?;
            f.proto.is_vararg = true;
            no_more(toks, 1, ".vararg")
        }
        ".maxstack" => {
            once(f, ".maxstack")?;
            f.proto.max_stack = int(toks.get(1), ".maxstack")?;
            no_more(toks, 2, ".maxstack")
        }
        ".upvalue" => {
            let name = name_tok(toks.get(1), ".upvalue")?;
            let in_stack = match toks.get(2) {
                Some(Tok::Word(k)) if k == "stack" => true,
                Some(Tok::Word(k)) if k == "up" => false,
                _ => return Err(".upvalue: expected 'stack' or 'up' after the name".into()),
            };
            let index = int(toks.get(3), ".upvalue")?;
            if f.proto.upvals.len() >= 256 {
                return Err(".upvalue: more than 256 upvalues".into());
            }
            f.proto.upvals.push(UpvalDesc {
                name,
                in_stack,
                index,
            });
            no_more(toks, 4, ".upvalue")
        }
        ".const" => {
            let kind = match toks.get(1) {
                Some(Tok::Word(k)) => k.as_str(),
                _ => {
                    return Err(
                        ".const: expected nil, true, false, int, float, floatbits or string".into(),
                    )
                }
            };
            let (c, used) = match kind {
                "nil" => (Constant::Nil, 2),
                "true" => (Constant::Bool(true), 2),
                "false" => (Constant::Bool(false), 2),
                "int" => (Constant::Int(int(toks.get(2), ".const int")?), 3),
                "float" => {
                    let v = match toks.get(2) {
                        Some(Tok::Word(x)) => x.parse::<f64>().ok().filter(|v| !v.is_nan()),
                        _ => None,
                    };
                    match v {
                        Some(v) => (Constant::Float(v), 3),
                        None => {
                            return Err(
                                ".const float: expected a number (use floatbits for a NaN)".into()
                            )
                        }
                    }
                }
                "floatbits" => {
                    let v = match toks.get(2) {
                        Some(Tok::Word(x)) => x
                            .strip_prefix("0x")
                            .filter(|h| !h.is_empty() && h.len() <= 16)
                            .and_then(|h| u64::from_str_radix(h, 16).ok()),
                        _ => None,
                    };
                    match v {
                        Some(v) => (Constant::Float(f64::from_bits(v)), 3),
                        None => {
                            return Err(
                                ".const floatbits: expected 0x and up to 16 hexadecimal digits"
                                    .into(),
                            )
                        }
                    }
                }
                "string" => (
                    Constant::Str(string_tok(toks.get(2), ".const string")?.into()),
                    3,
                ),
                other => {
                    return Err(format!(
                    ".const: unknown kind '{}' (nil, true, false, int, float, floatbits, string)",
                    other
                ))
                }
            };
            f.proto.consts.push(c);
            no_more(toks, used, ".const")
        }
        ".local" => {
            let name = name_tok(toks.get(1), ".local")?;
            let start_pc = int(toks.get(2), ".local")?;
            let end_pc = int(toks.get(3), ".local")?;
            f.proto.locals.push(LocalVar {
                name,
                start_pc,
                end_pc,
            });
            no_more(toks, 4, ".local")
        }
        ".line" => {
            f.line = Some(int(toks.get(1), ".line")?);
            no_more(toks, 2, ".line")
        }
        _ => Err(format!("unknown directive '{}'", w)),
    }
}

/// One instruction line.
fn instruction(f: &mut Open, mnem: &str, toks: &[Tok], no: usize) -> Result<(), String> {
    let Some(names) = Instr::operand_names(mnem) else {
        return Err(format!("unknown instruction '{}'", mnem));
    };
    let pc = f.proto.code.len();
    if pc >= u32::MAX as usize / 2 {
        return Err("too many instructions".into());
    }
    let mut ops = Vec::with_capacity(names.len());
    for (k, t) in toks.iter().skip(1).enumerate() {
        let field = names.get(k).copied().unwrap_or("");
        match t {
            Tok::Word(w) => {
                if let Ok(v) = w.parse::<i64>() {
                    ops.push(v);
                } else if field == "j" && is_label_name(w) {
                    f.fixups.push((pc, w.clone(), no));
                    ops.push(0);
                } else if field == "j" {
                    return Err(format!(
                        "{}: operand 'j' must be a label or a number, got '{}'",
                        mnem, w
                    ));
                } else {
                    return Err(format!(
                        "{}: operand {} is not a number: '{}'",
                        mnem,
                        k + 1,
                        w
                    ));
                }
            }
            other => {
                return Err(format!("{}: unexpected {}", mnem, tok_text(other)));
            }
        }
    }
    let i = Instr::from_operands(mnem, &ops).map_err(|e| match e {
        OperandError::Mnemonic => format!("unknown instruction '{}'", mnem),
        OperandError::Count { expected } => format!(
            "{} takes {} operand{} ({}), got {}",
            mnem,
            expected,
            if expected == 1 { "" } else { "s" },
            names.join(" "),
            ops.len()
        ),
        OperandError::Range { field, value, ty } => format!(
            "{}: operand '{}' = {} does not fit {}",
            mnem,
            field,
            value,
            range_text(ty)
        ),
    })?;
    f.proto.code.push(i);
    f.lines.push(f.line);
    Ok(())
}

fn range_text(ty: &str) -> &'static str {
    match ty {
        "u8" => "0..=255",
        "i8" => "-128..=127",
        "u16" => "0..=65535",
        "i16" => "-32768..=32767",
        "u32" => "0..=4294967295",
        "i32" => "-2147483648..=2147483647",
        "bool" => "0 or 1",
        _ => "its type",
    }
}

/// Ends a function block: resolves its labels and lines.
fn finish(mut f: Open) -> Result<Proto, (Option<usize>, String)> {
    for (pc, label, no) in std::mem::take(&mut f.fixups) {
        let Some(&target) = f.labels.get(&label) else {
            return Err((Some(no), format!("undefined label '{}'", label)));
        };
        let j = target as i64 - (pc as i64 + 1);
        let j = i32::try_from(j).map_err(|_| (Some(no), "jump too long".to_string()))?;
        if let Some(i) = f.proto.code.get_mut(pc) {
            i.set_jump(j);
        }
    }
    let with_line = f.lines.iter().filter(|l| l.is_some()).count();
    if with_line == f.lines.len() {
        f.proto.lines = f.lines.iter().map(|l| l.unwrap_or(0)).collect();
    } else if with_line == 0 {
        f.proto.lines = Vec::new();
    } else {
        let first = f.lines.iter().position(|l| l.is_none()).unwrap_or(0);
        return Err((
            None,
            format!(
                "pc {} has no line but others have (give every instruction of a function a '.line', or none)",
                first
            ),
        ));
    }
    Ok(f.proto)
}
