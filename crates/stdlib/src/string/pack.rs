//! `string.pack`, `string.packsize` and `string.unpack` (manual §6.4.2), wired to
//! `tape_text::pack`: this module supplies the arguments as the packer asks for them and turns
//! unpacked items into Lua values.

use super::{charge_fuel, memory_error, posrelat_start, push_checked, substring, MAX_STRING_SIZE};
use tape_text::pack::{self, PackArgs, PackError, Unpacked};
use tape_vm::{Args, Error, Value, Vm};

/// A failure while packing: the packer's own, or a Lua argument error.
enum PackFail {
    Pack(PackError),
    Lua(Error),
}

impl From<PackError> for PackFail {
    fn from(e: PackError) -> Self {
        PackFail::Pack(e)
    }
}

/// Converts a packer failure to the Lua error PUC raises. `BadArgument::arg` is 1-based.
#[cold]
fn pack_error(vm: &mut Vm, e: PackError) -> Error {
    match e {
        PackError::Message(msg) if msg == "not enough memory" => memory_error(vm),
        PackError::Message(msg) => vm.error(&msg),
        PackError::BadArgument { arg, msg } => vm.arg_error(arg.saturating_sub(1), msg),
    }
}

fn fail_to_error(vm: &mut Vm, e: PackFail) -> Error {
    match e {
        PackFail::Pack(e) => pack_error(vm, e),
        PackFail::Lua(e) => e,
    }
}

/// The native's arguments as `tape_text::pack` reads them (1-based argument numbers).
struct LuaPackArgs<'v> {
    vm: &'v mut Vm,
    args: Args,
}

impl LuaPackArgs<'_> {
    /// PUC's `str_pack` pushes a nil above its arguments, so a missing one is reported as
    /// `got nil` rather than `got no value`.
    fn missing(&mut self, arg: usize, expected: &str) -> Result<(), PackFail> {
        if arg > self.args.len() {
            let msg = format!("{expected} expected, got nil");
            return Err(PackFail::Lua(self.vm.arg_error(arg - 1, &msg)));
        }
        Ok(())
    }
}

impl PackArgs for LuaPackArgs<'_> {
    type Error = PackFail;

    fn integer(&mut self, arg: usize) -> Result<i64, PackFail> {
        self.missing(arg, "number")?;
        self.vm.check_int(self.args, arg - 1).map_err(PackFail::Lua)
    }

    fn number(&mut self, arg: usize) -> Result<f64, PackFail> {
        self.missing(arg, "number")?;
        self.vm
            .check_float(self.args, arg - 1)
            .map_err(PackFail::Lua)
    }

    fn string(&mut self, arg: usize) -> Result<&[u8], PackFail> {
        self.missing(arg, "string")?;
        let s = self
            .vm
            .check_str(self.args, arg - 1)
            .map_err(PackFail::Lua)?;
        Ok(self.vm.str_bytes(s))
    }
}

/// string.pack (fmt, v1, v2, ···)
pub(super) fn pack(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = vm.check_str(args, 0)?;
    let fmt = vm.str_bytes(f).to_vec();
    let mut out = Vec::new();
    // Past the room under the memory cap, `grow` fails with `not enough memory`; packing is
    // pure, so it is redone once after an emergency collection.
    let mut retried = false;
    loop {
        out.clear();
        let max = MAX_STRING_SIZE.min(vm.buffer_room());
        let r = pack::pack(&fmt, &mut LuaPackArgs { vm, args }, &mut out, max);
        match r {
            Err(PackFail::Pack(PackError::Message(m)))
                if m == "not enough memory" && max < MAX_STRING_SIZE && !retried =>
            {
                retried = true;
                if !vm.emergency_collect() {
                    return Err(memory_error(vm));
                }
            }
            r => {
                if retried {
                    vm.stress_rearm();
                }
                r.map_err(|e| fail_to_error(vm, e))?;
                break;
            }
        }
    }
    charge_fuel(vm, out.len())?;
    let v = vm.str_value_owned(out)?;
    vm.push(v)?;
    Ok(1)
}

/// string.packsize (fmt)
pub(super) fn packsize(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = vm.check_str(args, 0)?;
    match pack::packsize(vm.str_bytes(f)) {
        Ok(n) => {
            vm.push(Value::Int(n as i64))?;
            Ok(1)
        }
        Err(e) => Err(pack_error(vm, e)),
    }
}

/// One unpacked item, detached from the borrow of the data string.
enum Item {
    Int(i64),
    Float(f64),
    /// A substring of the data: start offset and length.
    Str(usize, usize),
}

/// string.unpack (fmt, s [, pos])
pub(super) fn unpack(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = vm.check_str(args, 0)?;
    let d = vm.check_str(args, 1)?;
    let ld = vm.str_bytes(d).len();
    let pos = vm.opt_int(args, 2, 1)?;
    let pos = posrelat_start(pos, ld) - 1;
    let mut items: Vec<Item> = Vec::new();
    let data = vm.str_bytes(d);
    let base = data.as_ptr() as usize;
    let r = pack::unpack::<PackError>(vm.str_bytes(f), data, pos, |u| {
        items.push(match u {
            Unpacked::Int(n) => Item::Int(n),
            Unpacked::Float(x) => Item::Float(x),
            Unpacked::Str(b) => Item::Str(b.as_ptr() as usize - base, b.len()),
        });
        Ok(())
    });
    let next = match r {
        Ok(p) => p,
        Err(e) => return Err(pack_error(vm, e)),
    };
    charge_fuel(vm, items.len())?;
    for it in &items {
        let v = match *it {
            Item::Int(n) => Value::Int(n),
            Item::Float(x) => Value::Float(x),
            Item::Str(a, n) => substring(vm, d, a, a + n)?,
        };
        push_checked(vm, v, "too many results")?;
    }
    push_checked(vm, Value::Int(next as i64 + 1), "too many results")?;
    Ok(items.len() + 1)
}
