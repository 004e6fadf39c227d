//! Debug information for messages (manual §4.7's `getinfo` ideas, PUC's observable messages):
//! current lines, `chunk:line:` positions, variable descriptions for errors
//! (`local 'x'`, `global 'f'`, `field 'y'`, `upvalue 'u'`, `constant 's'`, `method 'm'`) found
//! by analysing the bytecode before the faulting instruction, and stack tracebacks.

use crate::thread::{Frame, FrameKind};
use crate::value::Value;
use crate::vm::Vm;
use tape_bytecode::{Constant, Instr, Proto};

/// Name of the `locnum`-th (0-based) active local at `pc` (the register convention of `isa`).
pub(crate) fn local_name(p: &Proto, mut locnum: usize, pc: usize) -> Option<&str> {
    for l in &p.locals {
        if (l.start_pc as usize) > pc {
            break;
        }
        if pc < l.end_pc as usize {
            if locnum == 0 {
                return Some(&l.name);
            }
            locnum -= 1;
        }
    }
    None
}

/// Does `ins` write register `reg`? (Jumps are handled by the caller.)
fn writes_reg(ins: &Instr, reg: u8) -> bool {
    use Instr::*;
    let r = reg as usize;
    match *ins {
        LoadNil { a, n } => (a as usize) <= r && r <= a as usize + n as usize,
        TForCall { a, .. } => r >= a as usize + 2,
        Call { a, .. } | TailCall { a, .. } => r >= a as usize,
        SelfK { a, .. } => r == a as usize || r == a as usize + 1,
        ForPrep { a, .. } | ForLoop { a, .. } => (a as usize..=a as usize + 3).contains(&r),
        VarArg { a, .. } => r >= a as usize,
        TForLoop { a, .. } => r == a as usize + 2,
        Move { a, .. }
        | LoadI { a, .. }
        | LoadF { a, .. }
        | LoadK { a, .. }
        | LoadFalse { a }
        | LFalseSkip { a }
        | LoadTrue { a }
        | GetUpval { a, .. }
        | GetTabUp { a, .. }
        | GetTable { a, .. }
        | GetInt { a, .. }
        | GetField { a, .. }
        | NewTable { a, .. }
        | AddK { a, .. }
        | SubK { a, .. }
        | MulK { a, .. }
        | ModK { a, .. }
        | PowK { a, .. }
        | DivK { a, .. }
        | IDivK { a, .. }
        | BAndK { a, .. }
        | BOrK { a, .. }
        | BXorK { a, .. }
        | AddI { a, .. }
        | SubI { a, .. }
        | ShlI { a, .. }
        | ShrI { a, .. }
        | Add { a, .. }
        | Sub { a, .. }
        | Mul { a, .. }
        | Mod { a, .. }
        | Pow { a, .. }
        | Div { a, .. }
        | IDiv { a, .. }
        | BAnd { a, .. }
        | BOr { a, .. }
        | BXor { a, .. }
        | Shl { a, .. }
        | Shr { a, .. }
        | Unm { a, .. }
        | BNot { a, .. }
        | Not { a, .. }
        | Len { a, .. }
        | Concat { a, .. }
        | TestSet { a, .. }
        | Closure { a, .. } => r == a as usize,
        _ => false,
    }
}

/// The pc of the last instruction before `lastpc` that wrote `reg`, or None when that write
/// comes before the target of a jump that does not skip `lastpc` (it may not have run: PUC's
/// `findsetreg`). A conditional jump counts as PUC's test followed by its `JMP`.
fn find_set_reg(p: &Proto, lastpc: usize, reg: u8) -> Option<usize> {
    let mut setreg: Option<usize> = None;
    let mut jmptarget = 0usize;
    let lastpc = lastpc.min(p.code.len());
    for pc in 0..lastpc {
        let Some(ins) = p.code.get(pc) else {
            break;
        };
        if writes_reg(ins, reg) {
            setreg = if pc < jmptarget { None } else { Some(pc) };
        }
        let Some(j) = ins.jump() else {
            continue;
        };
        let dest = pc as i64 + 1 + j as i64;
        if dest <= lastpc as i64 && dest > jmptarget as i64 {
            jmptarget = dest as usize;
        }
    }
    setreg
}

fn const_str(p: &Proto, k: usize) -> Option<String> {
    match p.consts.get(k) {
        Some(Constant::Str(s)) => Some(String::from_utf8_lossy(s).into_owned()),
        _ => None,
    }
}

/// PUC's `basicgetobjname`: a local's name, or, following `MOVE`s back to lower registers, an
/// upvalue or a string constant. Also returns the pc of the last instruction found that set
/// the register (the caller's starting point for table accesses). A loop, not recursion:
/// each `MOVE` goes to a lower register, so it runs at most 256 times.
fn basic_obj_name(
    p: &Proto,
    mut lastpc: usize,
    mut reg: u8,
) -> (Option<(&'static str, String)>, Option<usize>) {
    loop {
        if let Some(n) = local_name(p, reg as usize, lastpc) {
            return (Some(("local", n.to_string())), None);
        }
        let Some(pc) = find_set_reg(p, lastpc, reg) else {
            return (None, None);
        };
        let named = match p.code.get(pc) {
            Some(&Instr::Move { a, b }) if b < a => {
                lastpc = pc;
                reg = b;
                continue;
            }
            Some(&Instr::GetUpval { u, .. }) => p
                .upvals
                .get(u as usize)
                .map(|d| ("upvalue", shown_name(&d.name).to_string())),
            Some(&Instr::LoadK { k, .. }) => const_str(p, k as usize).map(|s| ("constant", s)),
            _ => None,
        };
        return (named, Some(pc));
    }
}

/// An upvalue's name in messages: `?` when stripped (PUC's `upvalname`).
fn shown_name(name: &str) -> &str {
    if name.is_empty() {
        "?"
    } else {
        name
    }
}

/// Is register `reg` at `pc` the variable `_ENV`? (PUC's `isEnv`, through `basic_obj_name`.)
fn is_env_reg(p: &Proto, pc: usize, reg: u8) -> bool {
    matches!(basic_obj_name(p, pc, reg).0, Some((_, n)) if n == "_ENV")
}

/// Describes the value in register `reg` just before `lastpc`: (kind, name). PUC's
/// `getobjname`; it does not recurse, so no bytecode can make it deep.
pub(crate) fn obj_name(p: &Proto, lastpc: usize, reg: u8) -> Option<(&'static str, String)> {
    let (named, pc) = basic_obj_name(p, lastpc, reg);
    if named.is_some() {
        return named;
    }
    let pc = pc?;
    match *p.code.get(pc)? {
        Instr::GetTabUp { u, k, .. } => {
            let key = const_str(p, k as usize)?;
            let up = p
                .upvals
                .get(u as usize)
                .map(|d| shown_name(&d.name))
                .unwrap_or("?");
            Some((if up == "_ENV" { "global" } else { "field" }, key))
        }
        Instr::GetTable { b, c, .. } => {
            let key = reg_const_name(p, pc, c).unwrap_or_else(|| "?".to_string());
            Some((
                if is_env_reg(p, pc, b) {
                    "global"
                } else {
                    "field"
                },
                key,
            ))
        }
        Instr::GetInt { .. } => Some(("field", "integer index".to_string())),
        Instr::GetField { b, k, .. } => {
            let key = const_str(p, k as usize)?;
            Some((
                if is_env_reg(p, pc, b) {
                    "global"
                } else {
                    "field"
                },
                key,
            ))
        }
        Instr::SelfK { k, .. } => Some(("method", const_str(p, k as usize)?)),
        _ => None,
    }
}

/// The constant string loaded into register `reg` before `pc`, if it was one.
/// A named local holding a constant does not count (PUC's `rname`).
fn reg_const_name(p: &Proto, pc: usize, reg: u8) -> Option<String> {
    match basic_obj_name(p, pc, reg).0 {
        Some(("constant", name)) => Some(name),
        _ => None,
    }
}

/// The event a metamethod called by instruction `ins` serves (PUC's naming).
fn metamethod_event(ins: &Instr) -> &'static str {
    use Instr::*;
    match ins {
        GetTabUp { .. } | GetTable { .. } | GetInt { .. } | GetField { .. } | SelfK { .. } => {
            "index"
        }
        SetTabUp { .. } | SetTable { .. } | SetInt { .. } | SetField { .. } => "newindex",
        Add { .. } | AddK { .. } | AddI { .. } => "add",
        Sub { .. } | SubK { .. } | SubI { .. } => "sub",
        Mul { .. } | MulK { .. } => "mul",
        Mod { .. } | ModK { .. } => "mod",
        Pow { .. } | PowK { .. } => "pow",
        Div { .. } | DivK { .. } => "div",
        IDiv { .. } | IDivK { .. } => "idiv",
        BAnd { .. } | BAndK { .. } => "band",
        BOr { .. } | BOrK { .. } => "bor",
        BXor { .. } | BXorK { .. } => "bxor",
        Shl { .. } | ShlI { .. } => "shl",
        Shr { .. } | ShrI { .. } => "shr",
        Unm { .. } => "unm",
        BNot { .. } => "bnot",
        Len { .. } => "len",
        Concat { .. } => "concat",
        Eq { .. } => "eq",
        Lt { .. } | LtI { .. } | GtI { .. } => "lt",
        Le { .. } | LeI { .. } | GeI { .. } => "le",
        Close { .. } | Return { .. } | Return0 {} | Return1 { .. } => "close",
        _ => "?",
    }
}

impl Vm {
    /// The proto of a Lua frame.
    pub(crate) fn frame_proto(&self, f: &Frame) -> Option<&Proto> {
        match f.kind {
            FrameKind::Lua { proto, .. } => Some(&self.protos.get(proto.0).proto),
            _ => None,
        }
    }

    /// Current line of a Lua frame (the instruction before the saved pc).
    pub(crate) fn frame_line(&self, f: &Frame) -> Option<u32> {
        let p = self.frame_proto(f)?;
        let pc = f.pc.saturating_sub(1);
        p.lines.get(pc).copied()
    }

    /// `chunk:line:` for a Lua frame (`?:-1:` when its line info was stripped from a binary
    /// chunk, as PUC's runtime errors read), empty otherwise.
    pub(crate) fn frame_where(&self, f: &Frame) -> String {
        match (self.frame_proto(f), self.frame_line(f)) {
            (Some(p), Some(line)) => {
                format!("{}:{}: ", tape_text::chunkid::chunk_id(&p.source), line)
            }
            (Some(p), None) => format!("{}:-1: ", tape_text::chunkid::chunk_id(&p.source)),
            _ => String::new(),
        }
    }

    /// Position prefix of stack level `level` (0 = the running function), like `luaL_where`.
    pub fn where_(&self, level: usize) -> String {
        if level >= self.ts.frames.len() {
            return String::new();
        }
        let f = self.ts.frames[self.ts.frames.len() - 1 - level];
        // Like `luaL_where`, nothing when the line is unknown (stripped debug info).
        if self.frame_line(&f).is_none() {
            return String::new();
        }
        self.frame_where(&f)
    }

    /// ` (local 'x')` style description of register `reg` in the running Lua frame.
    pub(crate) fn reg_info(&self, reg: usize) -> String {
        let Some(f) = self.ts.frames.last() else {
            return String::new();
        };
        let Some(p) = self.frame_proto(f) else {
            return String::new();
        };
        if reg > 255 {
            return String::new();
        }
        match obj_name(p, f.pc.saturating_sub(1), reg as u8) {
            Some((kind, name)) => format!(" ({kind} '{name}')"),
            None => String::new(),
        }
    }

    /// Whether `ins`, running in Lua frame `f`, is an integer `//` or `%` whose divisor is zero
    /// (its operands are still in the frame's registers while an error handler runs).
    fn int_division_by_zero(&self, f: &crate::thread::Frame, ins: &Instr) -> bool {
        let reg = |r: u8| self.ts.stack.get(f.base + r as usize).copied();
        let (b, c) = match *ins {
            Instr::IDiv { b, c, .. } | Instr::Mod { b, c, .. } => (reg(b), reg(c)),
            Instr::IDivK { b, k, .. } | Instr::ModK { b, k, .. } => (
                reg(b),
                self.frame_proto(f)
                    .and_then(|p| p.consts.get(k as usize))
                    .map(|k| match k {
                        tape_bytecode::Constant::Int(i) => Value::Int(*i),
                        _ => Value::Nil,
                    }),
            ),
            _ => return false,
        };
        matches!((b, c), (Some(Value::Int(_)), Some(Value::Int(0))))
    }

    /// ` (upvalue 'x')` for upvalue `u` of the running Lua frame.
    pub(crate) fn upval_info(&self, u: usize) -> String {
        let Some(f) = self.ts.frames.last() else {
            return String::new();
        };
        match self.frame_proto(f).and_then(|p| p.upvals.get(u)) {
            Some(d) => format!(" (upvalue '{}')", shown_name(&d.name)),
            None => String::new(),
        }
    }

    /// How the function in frame `i` was called, from the calling instruction: (kind, name).
    pub(crate) fn frame_func_name(&self, i: usize) -> Option<(&'static str, String)> {
        if i == 0 {
            return None;
        }
        if self.hs.in_hook && self.hs.hook_frame == i {
            return Some(("hook", "?".to_string()));
        }
        if self.fin_frame == (self.cur_thread, i) {
            return Some(("metamethod", "__gc".to_string()));
        }
        let callee = &self.ts.frames[i];
        if callee.tail {
            return None;
        }
        let caller = &self.ts.frames[i - 1];
        let p = self.frame_proto(caller)?;
        let pc = caller.pc.checked_sub(1)?;
        if !matches!(
            callee.cont,
            crate::thread::Cont::Normal | crate::thread::Cont::TailReturn
        ) {
            return Some(("metamethod", metamethod_event(p.code.get(pc)?).to_string()));
        }
        match p.code.get(pc)? {
            Instr::Call { a, .. } | Instr::TailCall { a, .. } => obj_name(p, pc, *a),
            Instr::TForCall { .. } => Some(("for iterator", "for iterator".to_string())),
            // An integer `//` or `%` by zero: PUC raises it inside the arithmetic instruction
            // itself, whose code names no function (other arithmetic errors come from its
            // metamethod step, named after the event as below).
            ins if self.int_division_by_zero(caller, ins) => None,
            // Called by the VM while this instruction runs (an `xpcall` handler for its
            // error, say): PUC names it after the instruction's event.
            ins => match metamethod_event(ins) {
                "?" => None,
                ev => Some(("metamethod", ev.to_string())),
            },
        }
    }

    /// The name a native should use in `bad argument` messages: from the call site, or its
    /// registered name, or `?`. Also says whether it was called as a method.
    pub(crate) fn native_call_name(&self) -> (String, bool) {
        let i = self.ts.frames.len().saturating_sub(1);
        if let Some((kind, name)) = self.frame_func_name(i) {
            if kind != "metamethod" {
                return (name, kind == "method");
            }
        }
        if let Some(Frame {
            kind: FrameKind::Native { f },
            ..
        }) = self.ts.frames.last()
        {
            let n = self.heap.natives.get(f.0).name;
            if !n.is_empty() {
                return (n.to_string(), false);
            }
        }
        ("?".to_string(), false)
    }

    /// The name under which `package.loaded` holds function `func` (`string.rep`, or just
    /// `print` for `_G.print`), like PUC's `pushglobalfuncname`.
    fn global_func_name(&self, func: Value) -> Option<String> {
        let same = |v: Value| match (v, func) {
            (Value::LuaFn(a), Value::LuaFn(b)) => a == b,
            (Value::Native(a), Value::Native(b)) => a == b,
            _ => false,
        };
        let reg = self.heap.table(self.registry);
        let mut key = Value::Nil;
        let mut loaded = None;
        while let Ok(Some((k, v))) = reg.next(key) {
            if let (Value::Str(ks), Value::Table(t)) = (k, v) {
                if self.str_bytes(ks) == b"_LOADED" {
                    loaded = Some(t);
                    break;
                }
            }
            key = k;
        }
        let loaded = self.heap.table(loaded?);
        let mut mkey = Value::Nil;
        while let Ok(Some((mk, mv))) = loaded.next(mkey) {
            mkey = mk;
            let (Value::Str(mname), Value::Table(m)) = (mk, mv) else {
                continue;
            };
            let m = self.heap.table(m);
            let mut fkey = Value::Nil;
            while let Ok(Some((fk, fv))) = m.next(fkey) {
                fkey = fk;
                if let (Value::Str(fname), true) = (fk, same(fv)) {
                    let fname = String::from_utf8_lossy(self.str_bytes(fname));
                    let mname = String::from_utf8_lossy(self.str_bytes(mname));
                    return Some(if mname == "_G" {
                        fname.into_owned()
                    } else {
                        format!("{mname}.{fname}")
                    });
                }
            }
        }
        None
    }

    /// `stack traceback:` with one line per active frame, innermost first. Like PUC, a
    /// traceback of more than 22 levels shows the first 10 and the last 11 with
    /// `...\t(skipping N levels)` between (N as PUC counts it, one less than left out).
    /// Only the lines shown are built: a stack overflow's traceback costs 21 lines, not one
    /// per frame (the names take bytecode analysis and a search of the loaded modules).
    pub fn traceback(&self) -> String {
        let frames = &self.ts.frames;
        let shown_frames = frames
            .iter()
            .skip(1)
            .filter(|f| !matches!(f.kind, FrameKind::Host));
        // Every level but the last (`[C]: in ?`) is a non-host frame above the first.
        let total = shown_frames.count() + 1;
        let mut s = String::from("stack traceback:");
        let mut level = 0;
        for i in (1..frames.len()).rev() {
            if matches!(frames[i].kind, FrameKind::Host) {
                continue;
            }
            if total <= 22 || level < 10 || level >= total - 11 {
                self.traceback_line(i, &mut s);
            } else if level == 10 {
                s.push_str(&format!("\n\t...\t(skipping {} levels)", total - 22));
            }
            level += 1;
        }
        s.push_str("\n\t[C]: in ?");
        s
    }

    /// The `\n\t...` line of frame `i` (a Lua or native frame).
    fn traceback_line(&self, i: usize, out: &mut String) {
        let Some(f) = self.ts.frames.get(i) else {
            return;
        };
        match f.kind {
            FrameKind::Lua { .. } => {
                let line = self.frame_line(f);
                let src = self
                    .frame_proto(f)
                    .map(|p| tape_text::chunkid::chunk_id(&p.source))
                    .unwrap_or_default();
                let is_main = self
                    .frame_proto(f)
                    .map(|p| p.line_defined == 0)
                    .unwrap_or(false);
                let global = self.global_func_name(self.stack_get(f.func));
                let what = if let Some(g) = global {
                    format!("function '{g}'")
                } else if is_main {
                    "main chunk".to_string()
                } else {
                    match self.frame_func_name(i) {
                        Some(("global", n)) => format!("function '{n}'"),
                        Some(("method", n)) => format!("method '{n}'"),
                        Some((k, n)) => format!("{k} '{n}'"),
                        None => {
                            let p = self.frame_proto(f);
                            format!(
                                "function <{}:{}>",
                                src,
                                p.map(|p| p.line_defined).unwrap_or(0)
                            )
                        }
                    }
                };
                // A frame entered by a tail call says so on its own level, as in PUC.
                let tail = if f.tail { "\n\t(...tail calls...)" } else { "" };
                match line {
                    Some(line) => out.push_str(&format!("\n\t{src}:{line}: in {what}{tail}")),
                    None => out.push_str(&format!("\n\t{src}: in {what}{tail}")),
                }
            }
            FrameKind::Native { f: nf } | FrameKind::Pcall { f: nf, .. } => {
                let what = match self.global_func_name(Value::Native(nf)) {
                    Some(g) => format!("function '{g}'"),
                    None => match self.frame_func_name(i) {
                        Some(("global", n)) => format!("function '{n}'"),
                        Some(("method", n)) => format!("method '{n}'"),
                        Some((k, n)) => format!("{k} '{n}'"),
                        None => {
                            let n = self.heap.natives.get(nf.0).name;
                            if n.is_empty() || n == "?" {
                                "?".to_string()
                            } else {
                                format!("function '{n}'")
                            }
                        }
                    },
                };
                out.push_str(&format!("\n\t[C]: in {what}"));
            }
            FrameKind::Host => {}
        }
    }

    /// The type name used in messages: `__name` for tables/userdata with one, else the type.
    pub fn obj_type_name(&mut self, v: Value) -> String {
        if matches!(v, Value::Table(_) | Value::Userdata(_)) {
            if let Some(mt) = self.metatable(v) {
                let k = self.tm_name(crate::meta::Tm::Name);
                if let Value::Str(s) = self.heap.table(mt).get_str(k) {
                    return String::from_utf8_lossy(self.str_bytes(s)).into_owned();
                }
            }
        }
        v.type_name().to_string()
    }
}
