//! The execution trace (`tape --trace`, `Vm::set_trace`): one line per instruction executed,
//! written before it runs, with the registers it reads and their values; the registers it wrote
//! are shown on a second line when its frame runs its next instruction (so a `CALL`'s results
//! appear when the callee has returned).
//!
//! Line formats (fields separated by one space):
//!
//! ```text
//! DEPTH FUNCTION pc PC line LINE: MNEMONIC OPERANDS[ ; NOTE] [| reads R1=10 R2="x"]
//! DEPTH FUNCTION pc PC wrote: R0=11
//! ```
//!
//! `DEPTH` is the running thread's frame count (the host frame is 0, so the main chunk runs at
//! 1; natives and `pcall` markers count too); `FUNCTION` is `main <NAME>` or
//! `function <NAME:LINE>` (the chunk name without its `@`/`=`, and `line_defined`); `PC` is
//! 0-based as in `.tasm` files; `LINE` is `?` in a stripped function; `NOTE` is what the
//! `luac`-style listing shows (constants, upvalue names). Values print as `tostring` would
//! without metamethods, strings quoted and cut at 40 bytes. A register range that ends at
//! `top` (open results) prints as `R3..top`.
//!
//! Tracing runs on the hooked interpreter loop (one instruction per step, `trace_exec`), the
//! same loop debug hooks use; with no trace and no hook set the interpreter never enters it,
//! so an untraced program pays nothing. `set_trace` with a limit stops tracing after that many
//! instructions (the program goes on, at full speed).

use crate::thread::FrameKind;
use crate::value::Value;
use crate::vm::Vm;
use std::fmt::Write as _;
use tape_bytecode::effects::{effects, Regs};
use tape_bytecode::listing;

/// Where trace lines go: called once per line, without the newline.
pub type TraceFn = Box<dyn FnMut(&str) + Send>;

/// The trace's state while it is on.
pub(crate) struct Tracer {
    out: TraceFn,
    /// Instructions still to trace (`None`: no limit).
    left: Option<u64>,
    /// Per frame index: the thread, the frame's base and the registers written by the last
    /// instruction traced in it, shown when that frame runs its next one (a coroutine switch
    /// drops what no longer matches).
    pending: Vec<Option<Pending>>,
}

/// What the last instruction traced in a frame wrote.
#[derive(Clone)]
struct Pending {
    thread: crate::value::ThreadRef,
    base: usize,
    pc: usize,
    writes: Vec<Regs>,
}

/// Longest string value shown, in bytes.
const MAX_SHOWN: usize = 40;

impl Vm {
    /// Turns the execution trace on (`Some`) or off (`None`): `out` receives one line per
    /// instruction executed (format in the `trace` module's documentation), until `limit`
    /// instructions have been traced, after which one last line says so and tracing stops.
    pub fn set_trace(&mut self, out: Option<TraceFn>, limit: Option<u64>) {
        self.hs.trace = out.map(|out| {
            Box::new(Tracer {
                out,
                left: limit,
                pending: Vec::new(),
            })
        });
    }

    /// Whether the execution trace is on.
    pub fn tracing(&self) -> bool {
        self.hs.trace.is_some()
    }

    /// A value as the trace shows it.
    fn trace_value(&mut self, v: Value, out: &mut String) {
        match v {
            Value::Str(s) => {
                let b = self.str_bytes(s);
                out.push('"');
                for &c in b.iter().take(MAX_SHOWN) {
                    match c {
                        b'"' => out.push_str("\\\""),
                        b'\\' => out.push_str("\\\\"),
                        b'\n' => out.push_str("\\n"),
                        0x20..=0x7e => out.push(c as char),
                        _ => {
                            let _ = write!(out, "\\x{:02x}", c);
                        }
                    }
                }
                out.push('"');
                if b.len() > MAX_SHOWN {
                    out.push_str("...");
                }
            }
            _ => out.push_str(&String::from_utf8_lossy(&self.basic_tostring(v))),
        }
    }

    /// Appends ` R3=value R4=value` for `regs` of the frame at `base`.
    fn trace_regs(&mut self, base: usize, regs: &[Regs], out: &mut String) {
        for r in regs {
            match *r {
                Regs::Range(first, last) => {
                    for x in first..=last {
                        let v = self
                            .ts
                            .stack
                            .get(base + x as usize)
                            .copied()
                            .unwrap_or(Value::Nil);
                        let _ = write!(out, " R{}=", x);
                        self.trace_value(v, out);
                    }
                }
                Regs::ToTop(first) => {
                    let _ = write!(out, " R{}..top", first);
                }
            }
        }
    }

    /// Before the top Lua frame executes the instruction at its pc: writes its trace lines.
    pub(crate) fn trace_step(&mut self) {
        let Some(mut tracer) = self.hs.trace.take() else {
            return;
        };
        if tracer.left == Some(0) {
            (tracer.out)("trace limit reached");
            return; // tracing stays off
        }
        if let Some(n) = tracer.left.as_mut() {
            *n -= 1;
        }
        let fi = self.ts.frames.len().wrapping_sub(1);
        let Some(f) = self.ts.frames.get(fi) else {
            self.hs.trace = Some(tracer);
            return;
        };
        let FrameKind::Lua { proto, .. } = f.kind else {
            self.hs.trace = Some(tracer);
            return;
        };
        let (base, pc) = (f.base, f.pc);
        let p = self.protos.get(proto.0).proto.clone();
        let Some(instr) = p.code.get(pc).copied() else {
            self.hs.trace = Some(tracer);
            return;
        };
        let name = {
            let s: &str = &p.source;
            let s = s
                .strip_prefix('@')
                .or_else(|| s.strip_prefix('='))
                .unwrap_or(s);
            let s: String = s.chars().take(60).collect();
            if p.line_defined == 0 {
                format!("main <{}>", s)
            } else {
                format!("function <{}:{}>", s, p.line_defined)
            }
        };
        let depth = fi;
        // The last instruction of this frame wrote these.
        if let Some(Some(w)) = tracer.pending.get(fi).cloned() {
            if w.thread == self.cur_thread && w.base == base && !w.writes.is_empty() {
                let mut line = format!("{} {} pc {} wrote:", depth, name, w.pc);
                self.trace_regs(base, &w.writes, &mut line);
                (tracer.out)(&line);
            }
        }
        tracer.pending.truncate(fi);
        tracer.pending.resize(fi + 1, None);
        let e = effects(&instr);
        let mut line = format!("{} {} pc {} line ", depth, name, pc);
        match p.lines.get(pc) {
            Some(l) => {
                let _ = write!(line, "{}", l);
            }
            None => line.push('?'),
        }
        let _ = write!(line, ": {}", instr.name());
        for (_, v) in instr.operands() {
            let _ = write!(line, " {}", v);
        }
        // The listing's note, with jump targets as 0-based pcs like the trace's.
        let target = match instr {
            tape_bytecode::Instr::LFalseSkip { .. } => Some(pc as i64 + 2),
            _ => instr.jump().map(|j| pc as i64 + 1 + j as i64),
        };
        let note = match (instr, target) {
            (tape_bytecode::Instr::EqK { c, .. }, Some(t)) => {
                let k = p.consts.get(c as usize).map(listing::constant_text);
                format!("{} to {}", k.unwrap_or_default(), t)
            }
            (_, Some(t)) => format!("to {}", t),
            _ => listing::comment(&p, pc, &instr),
        };
        if !note.is_empty() {
            let _ = write!(line, " ; {}", note);
        }
        if !e.reads.is_empty() {
            line.push_str(" | reads");
            self.trace_regs(base, &e.reads, &mut line);
        }
        if let Some(slot) = tracer.pending.get_mut(fi) {
            *slot = Some(Pending {
                thread: self.cur_thread,
                base,
                pc,
                writes: e.writes,
            });
        }
        // Program output written so far comes before this line.
        let _ = self.out.flush();
        (tracer.out)(&line);
        self.hs.trace = Some(tracer);
    }
}
