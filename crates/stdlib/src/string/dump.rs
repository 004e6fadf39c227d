//! `string.dump (function [, strip])` (manual §6.4): a binary chunk holding the function's
//! code, which `load` turns back into a function with the same code and fresh upvalues. The
//! format is `tape_bytecode::dump`'s; with `strip` the chunk carries no debug information.

use tape_vm::{Args, Error, Vm};

/// string.dump (function [, strip])
pub(super) fn dump(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = vm.arg(args, 0);
    if !f.is_function() {
        return Err(vm.type_error(args, 0, "function"));
    }
    let strip = vm.arg(args, 1).truthy();
    let Some(proto) = vm.lua_function_proto(f) else {
        return Err(vm.error("unable to dump given function"));
    };
    let bytes = tape_bytecode::dump(&proto, strip);
    let s = vm.str_value(&bytes)?;
    vm.push(s)?;
    Ok(1)
}
