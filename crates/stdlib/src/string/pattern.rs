//! Pattern-matching functions of the string library (manual §6.4.1, §6.4): `string.find`,
//! `string.match`, `string.gmatch` and `string.gsub`, wired to `tape_text::pattern`.
//!
//! The matcher borrows the subject's bytes straight from the heap while no Lua code can run.
//! Where Lua code runs between matches (a `gsub` replacement function or `__index`), the
//! subject and pattern are copied once per call so the VM can be borrowed mutably; `gmatch`
//! keeps its state (subject, pattern, position, last match end) in the iterator's upvalues, so
//! each step resumes where the last one stopped and the whole loop is linear in the subject.

use super::{charge_fuel, memory_error, posrelat_start, substring};
use tape_text::pattern::{self, Capture, MatchError, Matcher};
use tape_vm::{Args, Error, StrRef, Value, Vm};

/// One capture of a finished match, detached from the matcher's borrow of the subject.
#[derive(Clone, Copy)]
enum Cap {
    Slice(usize, usize),
    Position(usize),
}

/// Captures of one match, copied out of the matcher (at most `MAX_CAPTURES`). The first two
/// are kept inline (most patterns have none, one or two), so a match costs no allocation and
/// no copy of a full-size capture array.
struct Caps {
    n: usize,
    head: [Cap; 2],
    rest: Vec<Cap>,
}

impl Caps {
    /// Copies the captures of the match `start..end` (the whole match when there are none and
    /// `whole_if_none`). Inlined so the 80-byte result is built where the caller keeps it:
    /// returned from a call it was copied with `rep movsq`, whose start-up cost on this
    /// machine was 3% of json's time (docs/performance.md).
    #[inline(always)]
    fn collect(
        m: &Matcher,
        start: usize,
        end: usize,
        whole_if_none: bool,
    ) -> Result<Caps, MatchError> {
        let n = m.result_count(whole_if_none);
        let mut caps = Caps {
            n,
            head: [Cap::Position(0); 2],
            rest: Vec::new(),
        };
        for i in 0..n {
            let c = match m.capture(i, start, end)? {
                Capture::Slice(a, b) => Cap::Slice(a, b),
                Capture::Position(p) => Cap::Position(p),
            };
            match caps.head.get_mut(i) {
                Some(slot) => *slot = c,
                None => caps.rest.push(c),
            }
        }
        Ok(caps)
    }

    /// Capture `i` (`i < n`).
    fn get(&self, i: usize) -> Cap {
        match self.head.get(i) {
            Some(&c) => c,
            None => self
                .rest
                .get(i - self.head.len())
                .copied()
                .unwrap_or(Cap::Position(0)),
        }
    }

    /// Pushes the captures as Lua values (substrings of `s`, positions as integers).
    fn push(&self, vm: &mut Vm, s: StrRef) -> Result<usize, Error> {
        for i in 0..self.n {
            let v = cap_value(vm, s, self.get(i))?;
            vm.push(v)?;
        }
        Ok(self.n)
    }
}

fn cap_value(vm: &mut Vm, s: StrRef, c: Cap) -> Result<Value, Error> {
    match c {
        Cap::Slice(a, b) => substring(vm, s, a, b),
        Cap::Position(p) => Ok(Value::Int(p as i64 + 1)),
    }
}

/// Turns a matcher failure into the Lua error PUC raises (`luaL_error`, with position).
#[cold]
fn match_error(vm: &mut Vm, e: MatchError) -> Error {
    match e {
        MatchError::Pattern(msg) => vm.error(&msg),
        // The steps taken were charged, leaving the budget at zero: one more unit makes it
        // exhausted, as the interpreter leaves it, and raises the limit error.
        MatchError::OutOfFuel => match vm.charge_fuel(1) {
            Err(e) => e,
            Ok(()) => vm.error(tape_vm::FUEL_EXHAUSTED),
        },
        MatchError::OutOfMemory => memory_error(vm),
        MatchError::Stopped => {
            let why = vm.limit_reason().unwrap_or(tape_vm::INTERRUPTED);
            vm.error(why)
        }
    }
}

/// What stops a long match from outside: the VM's interrupt flag and deadline.
fn match_stop(vm: &Vm) -> tape_text::pattern::Stop<'_> {
    tape_text::pattern::Stop {
        flag: Some(vm.interrupt_ref()),
        deadline: vm.deadline(),
    }
}

/// The step budget for one matcher run: the VM's fuel left (unlimited without a budget, or in
/// pause mode, where a native's work is paid for afterwards). The steps taken are charged
/// afterwards with `charge_fuel`.
fn match_budget(vm: &Vm) -> u64 {
    if vm.fuel_pause() {
        return u64::MAX;
    }
    vm.fuel().unwrap_or(u64::MAX)
}

/// Shared body of `find` and `match`.
fn find_aux(vm: &mut Vm, args: Args, find: bool) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let p = vm.check_str(args, 1)?;
    let init = vm.opt_int(args, 2, 1)?;
    let plain = vm.arg(args, 3).truthy();
    let ls = vm.str_bytes(s).len();
    let init = posrelat_start(init, ls) - 1;
    if init > ls {
        vm.push(Value::Nil)?;
        return Ok(1);
    }
    let budget = match_budget(vm);
    let src = vm.str_bytes(s);
    let pat = vm.str_bytes(p);
    if find && (plain || !pattern::has_specials(pat)) {
        let found = pattern::find_plain(src, pat, init);
        let plen = pat.len();
        charge_fuel(vm, ls - init)?;
        return match found {
            Some(at) => {
                vm.push(Value::Int(at as i64 + 1))?;
                vm.push(Value::Int((at + plen) as i64))?;
                Ok(2)
            }
            None => {
                vm.push(Value::Nil)?;
                Ok(1)
            }
        };
    }
    let (anchored, body) = pattern::split_anchor(pat);
    let mut m = Matcher::new(src, body);
    m.set_fuel(budget);
    m.set_stop(match_stop(vm));
    let r = m.find(init, anchored);
    let r = r.and_then(|found| match found {
        Some((a, b)) => Ok(Some((a, b, Caps::collect(&m, a, b, !find)?))),
        None => Ok(None),
    });
    let used = budget.saturating_sub(m.fuel());
    charge_fuel(vm, used.min(usize::MAX as u64) as usize)?;
    match r {
        Err(e) => Err(match_error(vm, e)),
        Ok(None) => {
            vm.push(Value::Nil)?;
            Ok(1)
        }
        Ok(Some((a, b, caps))) => {
            let mut n = 0;
            if find {
                vm.push(Value::Int(a as i64 + 1))?;
                vm.push(Value::Int(b as i64))?;
                n = 2;
            }
            Ok(n + caps.push(vm, s)?)
        }
    }
}

/// string.find (s, pattern [, init [, plain]])
pub(super) fn find(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    find_aux(vm, args, true)
}

/// string.match (s, pattern [, init])
pub(super) fn match_(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    find_aux(vm, args, false)
}

/// string.gmatch (s, pattern [, init]): an iterator closing over
/// `[subject, pattern, next position, end of last match or nil]`.
pub(super) fn gmatch(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let p = vm.check_str(args, 1)?;
    let init = vm.opt_int(args, 2, 1)?;
    let ls = vm.str_bytes(s).len();
    let mut init = posrelat_start(init, ls) - 1;
    if init > ls {
        init = ls + 1;
    }
    let ups = [
        Value::Str(s),
        Value::Str(p),
        Value::Int(init as i64),
        Value::Nil,
    ];
    let f = vm.new_native_with_upvalues("", gmatch_step, &ups)?;
    vm.push(f)?;
    Ok(1)
}

fn gmatch_step(vm: &mut Vm, _args: Args) -> Result<usize, Error> {
    let (Value::Str(s), Value::Str(p)) = (vm.native_upvalue(0), vm.native_upvalue(1)) else {
        return Ok(0);
    };
    let mut pos = match vm.native_upvalue(2) {
        Value::Int(i) => i as usize,
        _ => return Ok(0),
    };
    let mut last = match vm.native_upvalue(3) {
        Value::Int(i) => Some(i as usize),
        _ => None,
    };
    let budget = match_budget(vm);
    let src = vm.str_bytes(s);
    let pat = vm.str_bytes(p);
    let mut m = Matcher::new(src, pat);
    m.set_fuel(budget);
    m.set_stop(match_stop(vm));
    let r = m
        .gmatch_next(&mut pos, &mut last)
        .and_then(|found| match found {
            Some((a, b)) => Ok(Some(Caps::collect(&m, a, b, true)?)),
            None => Ok(None),
        });
    let used = budget.saturating_sub(m.fuel());
    charge_fuel(vm, used.min(usize::MAX as u64) as usize)?;
    vm.set_native_upvalue(2, Value::Int(pos as i64));
    vm.set_native_upvalue(3, last.map_or(Value::Nil, |e| Value::Int(e as i64)));
    match r {
        Err(e) => Err(match_error(vm, e)),
        Ok(None) => Ok(0),
        Ok(Some(caps)) => caps.push(vm, s),
    }
}

/// Errors inside `gsub`'s loop: from the matcher, or from Lua code a replacement ran.
enum GsubError {
    Match(MatchError),
    Lua(Error),
}

impl From<MatchError> for GsubError {
    fn from(e: MatchError) -> Self {
        GsubError::Match(e)
    }
}

/// string.gsub (s, pattern, repl [, n])
pub(super) fn gsub(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let s = vm.check_str(args, 0)?;
    let p = vm.check_str(args, 1)?;
    let repl = vm.arg(args, 2);
    let srcl = vm.str_bytes(s).len();
    let max_n = vm.opt_int(args, 3, srcl as i64 + 1)?;
    let repl = match repl {
        Value::Int(_) | Value::Float(_) => Value::Str(vm.check_str(args, 2)?),
        Value::Str(_) | Value::Table(_) | Value::LuaFn(_) | Value::Native(_) => repl,
        _ => return Err(vm.type_error(args, 2, "string/function/table")),
    };
    let max_n = max_n.max(0) as u64 as usize;
    let budget = match_budget(vm);
    let mut out: Vec<u8> = Vec::new();
    if out.try_reserve(srcl).is_err() {
        return Err(memory_error(vm));
    }
    // PUC returns the subject itself when nothing was replaced (no match, or every function or
    // table lookup gave nil/false): the same object, which `%p` of a long string can tell.
    let mut changed = false;
    let (result, used) = match repl {
        Value::Str(r) => {
            changed = true;
            // Pure string work: when the result outgrows the room under the memory cap, it is
            // redone once after an emergency collection (the matcher borrows the VM, which
            // cannot collect meanwhile).
            let mut spent = 0u64;
            let mut retried = false;
            loop {
                out.clear();
                let src = vm.str_bytes(s);
                let (anchored, body) = pattern::split_anchor(vm.str_bytes(p));
                let rb = vm.str_bytes(r);
                let mut m = Matcher::new(src, body);
                m.set_fuel(budget);
                m.set_stop(match_stop(vm));
                // The buffer and the string made from it must fit together (a Vec's doubling
                // can hold up to twice its length, which the other half covers while building).
                let room = vm.buffer_room();
                let res = m.gsub::<MatchError>(anchored, max_n, &mut out, |m, a, b, out| {
                    if out.len() > room {
                        return Err(MatchError::OutOfMemory);
                    }
                    m.expand_replacement(rb, a, b, out)
                });
                spent = spent.saturating_add(budget.saturating_sub(m.fuel()));
                if matches!(res, Err(MatchError::OutOfMemory)) && !retried {
                    retried = true;
                    if vm.emergency_collect() {
                        continue;
                    }
                }
                if retried {
                    vm.stress_rearm();
                }
                break (res.map_err(GsubError::Match), spent);
            }
        }
        _ => {
            // Lua code runs between matches: work on copies so the VM stays free. Short ones
            // (most subjects, nearly every pattern) are copied to the stack, not the heap.
            let (mut src_buf, mut src_heap) = ([0u8; SHORT_COPY], Vec::new());
            let (mut pat_buf, mut pat_heap) = ([0u8; SHORT_COPY], Vec::new());
            let src = copy_short(vm.str_bytes(s), &mut src_buf, &mut src_heap);
            let pat = copy_short(vm.str_bytes(p), &mut pat_buf, &mut pat_heap);
            let (anchored, body) = pattern::split_anchor(pat);
            // (The VM is lent to the replacement function: the matcher keeps its own
            // handle on the flag.)
            let flag = vm.interrupt_flag();
            let mut m = Matcher::new(src, body);
            m.set_fuel(budget);
            m.set_stop(tape_text::pattern::Stop {
                flag: Some(&flag),
                deadline: vm.deadline(),
            });
            let res = m.gsub::<GsubError>(anchored, max_n, &mut out, |m, a, b, out| {
                let caps = Caps::collect(m, a, b, true)?;
                if !vm.room_for(out.len()) {
                    return Err(GsubError::Lua(memory_error(vm)));
                }
                let c = add_value(vm, s, repl, &caps, &src[a..b], out).map_err(GsubError::Lua)?;
                changed |= c;
                Ok(())
            });
            (res, budget.saturating_sub(m.fuel()))
        }
    };
    charge_fuel(
        vm,
        (used.min(usize::MAX as u64) as usize).saturating_add(out.len()),
    )?;
    let n = match result {
        Ok(n) => n,
        Err(GsubError::Match(e)) => return Err(match_error(vm, e)),
        Err(GsubError::Lua(e)) => return Err(e),
    };
    if n > 0 && changed && !vm.room_for(out.len()) {
        return Err(memory_error(vm));
    }
    let v = if n == 0 || !changed {
        Value::Str(s)
    } else {
        vm.str_value_owned(out)?
    };
    vm.push(v)?;
    vm.push(Value::Int(n as i64))?;
    Ok(2)
}

/// Longest subject or pattern `gsub` copies to the stack rather than the heap.
const SHORT_COPY: usize = 64;

/// A copy of `b`: in `buf` when it fits, else in `heap`.
fn copy_short<'a>(b: &[u8], buf: &'a mut [u8; SHORT_COPY], heap: &'a mut Vec<u8>) -> &'a [u8] {
    match buf.get_mut(..b.len()) {
        Some(d) => {
            d.copy_from_slice(b);
            d
        }
        None => {
            heap.extend_from_slice(b);
            heap
        }
    }
}

/// Appends the replacement a table or function gives for one match: the value of
/// `repl[first capture]` or `repl(captures...)`; false or nil keeps the match itself. Returns
/// whether the text was replaced.
fn add_value(
    vm: &mut Vm,
    s: StrRef,
    repl: Value,
    caps: &Caps,
    whole: &[u8],
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    let v = match repl {
        Value::Table(_) => {
            let k = cap_value(vm, s, caps.get(0))?;
            vm.index(repl, k)?
        }
        _ => {
            let mut head = [Value::Nil; 2];
            let mut all = Vec::new();
            let argv: &[Value] = if caps.n <= head.len() {
                for (i, slot) in head.iter_mut().enumerate().take(caps.n) {
                    *slot = cap_value(vm, s, caps.get(i))?;
                }
                &head[..caps.n]
            } else {
                for i in 0..caps.n {
                    all.push(cap_value(vm, s, caps.get(i))?);
                }
                &all
            };
            vm.call1(repl, argv)?
        }
    };
    match v {
        Value::Nil | Value::Bool(false) => {
            out.extend_from_slice(whole);
            return Ok(false);
        }
        Value::Str(r) => out.extend_from_slice(vm.str_bytes(r)),
        Value::Int(_) | Value::Float(_) => out.extend_from_slice(&vm.basic_tostring(v)),
        _ => {
            let tn = v.type_name();
            return Err(vm.error(&format!("invalid replacement value (a {tn})")));
        }
    }
    Ok(true)
}
