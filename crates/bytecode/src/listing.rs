//! The disassembler: a readable listing of a proto and all its nested functions, in the shape of
//! `luac -l -l` (a header per function, one line per instruction with its source line, operands
//! and a comment naming constants, upvalues and jump targets, then the constant, local and
//! upvalue tables). Instruction and pc numbers are shown 1-based, as luac does.

use crate::isa::Instr;
use crate::proto::{Constant, Proto};
use std::fmt::Write;

/// Lists `proto` and its nested functions (depth first, parents before children), each with its
/// constant, local and upvalue tables (`luac -l -l`).
pub fn list(proto: &Proto) -> String {
    list_with(proto, true)
}

/// Lists `proto` and its nested functions; `full` adds each function's constant, local and
/// upvalue tables (`luac -l` lists only headers and code, `luac -l -l` everything).
pub fn list_with(proto: &Proto, full: bool) -> String {
    let mut out = String::new();
    let mut work: Vec<&Proto> = vec![proto];
    let mut first = true;
    while let Some(p) = work.pop() {
        if !first {
            out.push('\n');
        }
        list_function(p, first, full, &mut out);
        first = false;
        work.extend(p.protos.iter().rev().map(|c| &**c));
    }
    out
}

/// The chunk name as luac shows it.
fn source_name(p: &Proto) -> &str {
    let s: &str = &p.source;
    if let Some(rest) = s.strip_prefix('@').or_else(|| s.strip_prefix('=')) {
        rest
    } else if s.starts_with('\x1b') {
        "(bstring)"
    } else {
        "(string)"
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{} {}{}", n, word, if n == 1 { "" } else { "s" })
}

/// A constant as luac prints it.
pub fn constant_text(c: &Constant) -> String {
    match c {
        Constant::Nil => "nil".into(),
        Constant::Bool(b) => b.to_string(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => {
            let s = format!("{:?}", f);
            s
        }
        Constant::Str(s) => quote_with(s, |out, b| {
            let _ = write!(out, "\\{:03}", b);
        }),
    }
}

/// Quotes bytes between `"`: printable ASCII as is except `"` and `\`, which are escaped, `\n`,
/// `\r`, `\t`, and every other byte as `other` writes it (the listing's `\DDD`, the
/// assembly's `\xHH`).
pub(crate) fn quote_with(bytes: &[u8], other: impl Fn(&mut String, u8)) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => other(&mut out, b),
        }
    }
    out.push('"');
    out
}

fn constant_kind(c: &Constant) -> char {
    match c {
        Constant::Nil => 'N',
        Constant::Bool(_) => 'B',
        Constant::Int(_) => 'I',
        Constant::Float(_) => 'F',
        Constant::Str(_) => 'S',
    }
}

fn list_function(p: &Proto, is_main: bool, full: bool, out: &mut String) {
    let _ = writeln!(
        out,
        "{} <{}:{},{}> ({})",
        if is_main { "main" } else { "function" },
        source_name(p),
        p.line_defined,
        p.last_line_defined,
        plural(p.code.len(), "instruction")
    );
    let _ = writeln!(
        out,
        "{}{} params, {} slots, {}, {}, {}, {}",
        p.num_params,
        if p.is_vararg { "+" } else { "" },
        p.max_stack,
        plural(p.upvals.len(), "upvalue"),
        plural(p.locals.len(), "local"),
        plural(p.consts.len(), "constant"),
        plural(p.protos.len(), "function")
    );
    for (pc, i) in p.code.iter().enumerate() {
        let line = p.lines.get(pc).copied().unwrap_or(0);
        let ops: Vec<String> = i.operands().iter().map(|(_, v)| v.to_string()).collect();
        let _ = write!(
            out,
            "\t{}\t[{}]\t{:<9}\t{}",
            pc + 1,
            line,
            i.name(),
            ops.join(" ")
        );
        let comment = comment(p, pc, i);
        if !comment.is_empty() {
            let _ = write!(out, "\t; {}", comment);
        }
        out.push('\n');
    }
    if !full {
        return;
    }
    let _ = writeln!(out, "constants ({}):", p.consts.len());
    for (k, c) in p.consts.iter().enumerate() {
        let _ = writeln!(out, "\t{}\t{}\t{}", k, constant_kind(c), constant_text(c));
    }
    let _ = writeln!(out, "locals ({}):", p.locals.len());
    for (k, l) in p.locals.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}\t{}\t{}\t{}",
            k,
            l.name,
            l.start_pc + 1,
            l.end_pc + 1
        );
    }
    let _ = writeln!(out, "upvalues ({}):", p.upvals.len());
    for (k, u) in p.upvals.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{}\t{}\t{}\t{}",
            k, u.name, u.in_stack as u8, u.index
        );
    }
}

/// The `; ...` comment of one instruction (constants, upvalue names, jump targets 1-based).
pub fn comment(p: &Proto, pc: usize, i: &Instr) -> String {
    let k = |idx: u32| {
        p.consts
            .get(idx as usize)
            .map(constant_text)
            .unwrap_or_else(|| "?".into())
    };
    let up = |u: u8| {
        p.upvals
            .get(u as usize)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "?".into())
    };
    let to = |j: i32| format!("to {}", pc as i64 + 1 + j as i64 + 1);
    let count = |n: u8, what: &str| {
        if n == 0 {
            format!("all {}", what)
        } else {
            format!("{} {}", n - 1, what)
        }
    };
    match *i {
        Instr::LoadK { k: idx, .. } => k(idx),
        Instr::GetUpval { u, .. } | Instr::SetUpval { u, .. } => up(u),
        Instr::GetTabUp { u, k: idx, .. } | Instr::SetTabUp { u, k: idx, .. } => {
            format!("{} {}", up(u), k(idx as u32))
        }
        Instr::GetField { k: idx, .. }
        | Instr::SetField { k: idx, .. }
        | Instr::SelfK { k: idx, .. } => k(idx as u32),
        Instr::AddK { k: idx, .. }
        | Instr::SubK { k: idx, .. }
        | Instr::MulK { k: idx, .. }
        | Instr::ModK { k: idx, .. }
        | Instr::PowK { k: idx, .. }
        | Instr::DivK { k: idx, .. }
        | Instr::IDivK { k: idx, .. }
        | Instr::BAndK { k: idx, .. }
        | Instr::BOrK { k: idx, .. }
        | Instr::BXorK { k: idx, .. } => k(idx as u32),
        Instr::EqK { c, j, .. } => format!("{} {}", k(c as u32), to(j)),
        Instr::LFalseSkip { .. } => to(1),
        Instr::ForPrep { j, .. } => format!("exit {}", to(j)),
        Instr::Call { b, c, .. } => format!("{} {}", count(b, "in"), count(c, "out")),
        Instr::TailCall { b, .. } => count(b, "in"),
        Instr::Return { b, .. } => count(b, "out"),
        Instr::VarArg { c, .. } => count(c, "out"),
        Instr::SetList { n, off, .. } => {
            if n == 0 {
                format!("all items from {}", off + 1)
            } else {
                format!("{} items from {}", n, off + 1)
            }
        }
        Instr::Closure { p: idx, .. } => match p.protos.get(idx as usize) {
            Some(c) => format!("function <{},{}>", c.line_defined, c.last_line_defined),
            None => "?".into(),
        },
        _ => match i.jump() {
            Some(j) => to(j),
            None => String::new(),
        },
    }
}
