//! The table library (manual §6.6): `concat`, `insert`, `move`, `pack`, `remove`, `sort`,
//! `unpack`. Like PUC Lua 5.4, every element access goes through `__index`/`__newindex` and
//! lengths through `__len`; plain tables without a metatable take a raw fast path with the same
//! observable behaviour. `sort` is PUC's quicksort (median of three, pivot randomised only after
//! an unbalanced split), so ties come out in the same order as in `lua5.4` and an inconsistent
//! comparator ends in `invalid order function for sorting` or a finished (unsorted) table,
//! never a loop or a panic.

use tape_vm::{Args, Error, TableRef, Tm, Value, Vm};

/// Registers `table` in the globals table and returns it.
pub fn open_table(vm: &mut Vm) -> Result<Value, Error> {
    let t = vm.new_table_with(0, 8)?;
    let fns: &[(&'static str, &'static str, tape_vm::NativeFn)] = &[
        ("concat", "table.concat", concat),
        ("insert", "table.insert", insert),
        ("move", "table.move", move_),
        ("pack", "table.pack", pack),
        ("remove", "table.remove", remove),
        ("sort", "table.sort", sort),
        ("unpack", "table.unpack", unpack),
    ];
    for (key, name, f) in fns {
        let v = vm.new_native(name, *f)?;
        vm.set_field(t, key, v)?;
        if *key == "insert" {
            // `table.insert(t, v)` on a table without a metatable, without a frame.
            vm.set_fast_native_results(
                v,
                |cx, a| match *a {
                    [Value::Table(t), v] => cx.append(t, v).then_some(Value::Nil),
                    _ => None,
                },
                0,
            );
        }
    }
    let g = vm.globals();
    vm.set_field(g, "table", Value::Table(t))?;
    Ok(Value::Table(t))
}

/// Upper bound on a `concat` result, so a guest cannot make the host allocate without limit
/// before the heap's own cap is consulted (PUC is limited only by `malloc`).
const MAX_CONCAT: usize = 1 << 32;

// What a table argument must support when it is not a table (PUC's `TAB_R`/`TAB_W`/`TAB_L`).
const TAB_R: u8 = 1;
const TAB_W: u8 = 2;
const TAB_L: u8 = 4;

/// Checks that argument `i` is a table, or a value whose metatable has the metamethods `what`
/// needs; otherwise `table expected, got X`.
fn check_tab(vm: &mut Vm, args: Args, i: usize, what: u8) -> Result<Value, Error> {
    let v = vm.arg(args, i);
    if matches!(v, Value::Table(_)) {
        return Ok(v);
    }
    if vm.metatable(v).is_some() {
        let ok = (what & TAB_R == 0 || !vm.get_metamethod(v, Tm::Index).is_nil())
            && (what & TAB_W == 0 || !vm.get_metamethod(v, Tm::NewIndex).is_nil())
            && (what & TAB_L == 0 || !vm.get_metamethod(v, Tm::Len).is_nil());
        if ok {
            return Ok(v);
        }
    }
    Err(vm.type_error(args, i, "table"))
}

/// The table behind `v` when plain accesses are raw (a table without a metatable).
#[inline]
fn raw_table(vm: &Vm, v: Value) -> Option<TableRef> {
    match v {
        Value::Table(t) if vm.metatable(v).is_none() => Some(t),
        _ => None,
    }
}

/// `v[i]` with `__index` (`lua_geti`).
#[inline]
fn geti(vm: &mut Vm, v: Value, i: i64) -> Result<Value, Error> {
    // Every element the library reads or writes costs one unit of fuel (if a budget is set).
    vm.charge_fuel(1)?;
    if let Some(t) = raw_table(vm, v) {
        return Ok(vm.raw_get_int(t, i));
    }
    vm.index(v, Value::Int(i))
}

/// `v[i] = x` with `__newindex` (`lua_seti`).
#[inline]
fn seti(vm: &mut Vm, v: Value, i: i64, x: Value) -> Result<(), Error> {
    vm.charge_fuel(1)?;
    if let Some(t) = raw_table(vm, v) {
        return vm.raw_set_int(t, i, x);
    }
    vm.set_index(v, Value::Int(i), x)
}

/// `#v` with `__len`, which must give an integer (`luaL_len`).
pub(crate) fn len_of(vm: &mut Vm, v: Value) -> Result<i64, Error> {
    if let Some(t) = raw_table(vm, v) {
        return Ok(vm.raw_len_table(t));
    }
    let n = vm.len(v)?;
    match vm.to_number(n) {
        Some(Value::Int(i)) => Ok(i),
        Some(Value::Float(f))
            if f == f.trunc()
                && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) =>
        {
            Ok(f as i64)
        }
        _ => Err(vm.error("object length is not an integer")),
    }
}

fn concat(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = check_tab(vm, args, 0, TAB_R | TAB_L)?;
    let last = len_of(vm, t)?;
    let sep: Vec<u8> = match vm.opt_str(args, 1)? {
        Some(s) => vm.str_bytes(s).to_vec(),
        None => Vec::new(),
    };
    let first = vm.opt_int(args, 2, 1)?;
    let last = vm.opt_int(args, 3, last)?;
    let mut buf: Vec<u8> = Vec::new();
    let mut next_poll = tape_vm::POLL_BYTES;
    let mut i = first;
    while i <= last {
        let v = geti(vm, t, i)?;
        match v {
            Value::Str(s) => {
                let n = vm.str_bytes(s).len();
                if n > tape_vm::POLL_BYTES {
                    // A huge piece is copied in blocks, with the interrupt checked between them.
                    let mut done = 0;
                    while done < n {
                        let end = n.min(done + tape_vm::POLL_BYTES);
                        reserve_piece(vm, &mut buf, end - done)?;
                        buf.extend_from_slice(&vm.str_bytes(s)[done..end]);
                        done = end;
                        vm.poll_limits()?;
                    }
                } else {
                    reserve_piece(vm, &mut buf, n)?;
                    buf.extend_from_slice(vm.str_bytes(s));
                }
            }
            Value::Int(_) | Value::Float(_) => {
                let b = vm.basic_tostring(v);
                reserve_piece(vm, &mut buf, b.len())?;
                buf.extend_from_slice(&b);
            }
            _ => {
                let ty = v.type_name();
                return Err(vm.error(&format!(
                    "invalid value ({ty}) at index {i} in table for 'concat'"
                )));
            }
        }
        if buf.len() >= next_poll || i & 0xFFFF == 0 {
            vm.poll_limits()?;
            next_poll = buf.len() + tape_vm::POLL_BYTES;
        }
        if i == last {
            break;
        }
        reserve_piece(vm, &mut buf, sep.len())?;
        buf.extend_from_slice(&sep);
        i += 1;
    }
    // (Checked at each growth too; pieces that fit the last growth's room come here.)
    if buf.len() > MAX_CONCAT {
        return Err(vm.make_error("not enough memory".to_string()));
    }
    vm.charge_fuel(buf.len() as u64)?;
    let s = vm.str_value_owned(buf)?;
    vm.push(s)?;
    Ok(1)
}

/// Makes room for `n` more bytes in a `table.concat` buffer, checking the memory cap (with an
/// emergency collection) and the largest string before the buffer grows; a no-op while the
/// buffer has room.
#[inline]
fn reserve_piece(vm: &mut Vm, buf: &mut Vec<u8>, n: usize) -> Result<(), Error> {
    if buf.capacity() - buf.len() >= n {
        return Ok(());
    }
    grow_concat_buffer(vm, buf, n)
}

#[cold]
#[inline(never)]
fn grow_concat_buffer(vm: &mut Vm, buf: &mut Vec<u8>, n: usize) -> Result<(), Error> {
    let need = buf.len().saturating_add(n);
    // Room for twice the length, as the buffer doubles (`room_for` keeps half the room back).
    if need > MAX_CONCAT || !vm.room_for(need) {
        return Err(vm.make_error("not enough memory".to_string()));
    }
    buf.reserve(n);
    Ok(())
}

fn insert(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = check_tab(vm, args, 0, TAB_R | TAB_W | TAB_L)?;
    let e = len_of(vm, t)?.wrapping_add(1);
    let pos = match args.len() {
        2 => e,
        3 => {
            let pos = vm.check_int(args, 1)?;
            vm.arg_check(
                (pos as u64).wrapping_sub(1) < e as u64,
                1,
                "position out of bounds",
            )?;
            let mut i = e;
            if let Some(tr) = raw_table(vm, t) {
                // A plain table's items shifted in one move when they sit in the array part
                // (charged as the reads and writes it stands for).
                if vm.raw_shift(tr, pos, pos.wrapping_add(1), e.wrapping_sub(pos)) {
                    vm.charge_fuel((e.wrapping_sub(pos) as u64).saturating_mul(2))?;
                    i = pos;
                }
            }
            while i > pos {
                let v = geti(vm, t, i - 1)?;
                seti(vm, t, i, v)?;
                i -= 1;
            }
            pos
        }
        _ => return Err(vm.error("wrong number of arguments to 'insert'")),
    };
    let v = vm.arg(args, args.len() - 1);
    seti(vm, t, pos, v)?;
    Ok(0)
}

fn remove(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = check_tab(vm, args, 0, TAB_R | TAB_W | TAB_L)?;
    let size = len_of(vm, t)?;
    let mut pos = vm.opt_int(args, 1, size)?;
    if pos != size {
        // lua5.4.4 reports this against argument #1.
        vm.arg_check(
            (pos as u64).wrapping_sub(1) <= size as u64,
            0,
            "position out of bounds",
        )?;
    }
    let result = geti(vm, t, pos)?;
    vm.push(result)?;
    if pos < size {
        if let Some(tr) = raw_table(vm, t) {
            if vm.raw_shift(tr, pos + 1, pos, size - pos) {
                vm.charge_fuel(((size - pos) as u64).saturating_mul(2))?;
                pos = size;
            }
        }
    }
    while pos < size {
        let v = geti(vm, t, pos + 1)?;
        seti(vm, t, pos, v)?;
        pos += 1;
    }
    seti(vm, t, pos, Value::Nil)?;
    Ok(1)
}

fn move_(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let f = vm.check_int(args, 1)?;
    let e = vm.check_int(args, 2)?;
    let t = vm.check_int(args, 3)?;
    let tt_idx = if vm.arg(args, 4).is_nil() { 0 } else { 4 };
    let a1 = check_tab(vm, args, 0, TAB_R)?;
    let a2 = check_tab(vm, args, tt_idx, TAB_W)?;
    if e >= f {
        vm.arg_check(
            f > 0 || e < i64::MAX.wrapping_add(f),
            2,
            "too many elements to move",
        )?;
        let n = e - f + 1;
        vm.arg_check(t <= i64::MAX - n + 1, 3, "destination wrap around")?;
        let same = tt_idx == 0 || vm.equals(a1, a2)?;
        if t > e || t <= f || !same {
            for i in 0..n {
                let v = geti(vm, a1, f + i)?;
                seti(vm, a2, t + i, v)?;
            }
        } else {
            let mut i = n - 1;
            while i >= 0 {
                let v = geti(vm, a1, f + i)?;
                seti(vm, a2, t + i, v)?;
                i -= 1;
            }
        }
    }
    vm.push(a2)?;
    Ok(1)
}

fn pack(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let n = args.len();
    let t = vm.new_table_with(n, 1)?;
    for i in 0..n {
        let v = vm.arg(args, i);
        vm.raw_set_int(t, i as i64 + 1, v)?;
    }
    vm.set_field(t, "n", Value::Int(n as i64))?;
    vm.push(Value::Table(t))?;
    Ok(1)
}

fn unpack(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let t = vm.arg(args, 0);
    let mut i = vm.opt_int(args, 1, 1)?;
    let e = if vm.arg(args, 2).is_nil() {
        len_of(vm, t)?
    } else {
        vm.check_int(args, 2)?
    };
    if i > e {
        return Ok(0);
    }
    let n = (e as u64).wrapping_sub(i as u64);
    if n >= (tape_vm::DEFAULT_MAX_STACK as u64).saturating_sub(1000) {
        return Err(vm.error("too many results to unpack"));
    }
    loop {
        let v = geti(vm, t, i)?;
        if vm.push(v).is_err() {
            return Err(vm.error("too many results to unpack"));
        }
        if i == e {
            break;
        }
        i += 1;
    }
    Ok(n as usize + 1)
}

// ----- sort -----

/// The state of one `table.sort` call. `scratch` (a table kept in a stack slot) roots values
/// held in Rust across a metamethod call when the array has a metatable.
struct Sorter {
    arr: Value,
    /// `arr` when it is a plain table at the start (accessed raw throughout the sort).
    raw: Option<TableRef>,
    /// The comparator, or nil for `<`.
    cmp: Value,
    scratch: Option<TableRef>,
    rnd: u64,
}

impl Sorter {
    #[inline]
    fn get(&self, vm: &mut Vm, i: i64) -> Result<Value, Error> {
        if let Some(t) = self.raw {
            return Ok(vm.raw_get_int(t, i));
        }
        geti(vm, self.arr, i)
    }

    /// `a < b` by the comparator or the `<` operator.
    #[inline]
    fn less(&self, vm: &mut Vm, a: Value, b: Value) -> Result<bool, Error> {
        if self.cmp.is_nil() {
            match (a, b) {
                (Value::Int(x), Value::Int(y)) => Ok(x < y),
                (Value::Float(x), Value::Float(y)) => Ok(x < y),
                _ => vm.less(a, b, false),
            }
        } else {
            Ok(vm.call1(self.cmp, &[a, b])?.truthy())
        }
    }

    /// `a[i] = x; a[j] = y`, rooting both values first when the stores may run Lua code.
    fn set2(&self, vm: &mut Vm, i: i64, x: Value, j: i64, y: Value) -> Result<(), Error> {
        if let Some(s) = self.scratch {
            vm.raw_set_int(s, 1, x)?;
            vm.raw_set_int(s, 2, y)?;
        }
        if let Some(t) = self.raw {
            vm.raw_set_int(t, i, x)?;
            return vm.raw_set_int(t, j, y);
        }
        seti(vm, self.arr, i, x)?;
        seti(vm, self.arr, j, y)
    }

    /// Keeps `v` reachable while comparisons run (no-op for plain tables, whose values are
    /// re-read instead).
    fn hold(&self, vm: &mut Vm, v: Value) -> Result<(), Error> {
        if let Some(s) = self.scratch {
            vm.raw_set_int(s, 3, v)?;
        }
        Ok(())
    }

    fn next_rnd(&mut self) -> u64 {
        // A fixed xorshift sequence: PUC uses the clock here; Tape stays deterministic.
        self.rnd ^= self.rnd << 13;
        self.rnd ^= self.rnd >> 7;
        self.rnd ^= self.rnd << 17;
        self.rnd
    }

    /// Sorts `a[lo..=up]`: recursion only on the smaller part, so depth is O(log n).
    fn aux(&mut self, vm: &mut Vm, mut lo: i64, mut up: i64, mut rnd: u64) -> Result<(), Error> {
        while lo < up {
            // A partition pass touches every element between `lo` and `up`: that is its fuel.
            vm.charge_fuel((up - lo) as u64)?;
            let a_lo = self.get(vm, lo)?;
            let a_up = self.get(vm, up)?;
            if self.less(vm, a_up, a_lo)? {
                self.set2(vm, lo, a_up, up, a_lo)?;
            }
            if up - lo == 1 {
                break;
            }
            let p = if up - lo < 100 || rnd == 0 {
                lo + (up - lo) / 2
            } else {
                let r4 = (up - lo) / 4;
                (rnd % (r4 as u64 * 2)) as i64 + lo + r4
            };
            let a_p = self.get(vm, p)?;
            let a_lo = self.get(vm, lo)?;
            if self.less(vm, a_p, a_lo)? {
                self.set2(vm, p, a_lo, lo, a_p)?;
            } else {
                let a_up = self.get(vm, up)?;
                if self.less(vm, a_up, a_p)? {
                    self.set2(vm, p, a_up, up, a_p)?;
                }
            }
            if up - lo == 2 {
                break;
            }
            let pivot = self.get(vm, p)?;
            let a_up1 = self.get(vm, up - 1)?;
            self.set2(vm, p, a_up1, up - 1, pivot)?;
            let p = self.partition(vm, lo, up, pivot)?;
            let n;
            if p - lo < up - p {
                self.aux(vm, lo, p - 1, rnd)?;
                n = p - lo;
                lo = p + 1;
            } else {
                self.aux(vm, p + 1, up, rnd)?;
                n = up - p;
                up = p - 1;
            }
            if (up - lo) / 128 > n {
                rnd = self.next_rnd();
            }
        }
        Ok(())
    }

    /// Partitions `a[lo..=up]` around `pivot` (stored at `a[up-1]`); returns its final index.
    /// Invariant: `a[lo..=i] <= P <= a[j..=up]`. The index checks turn an inconsistent
    /// comparator into an error instead of running off the interval.
    fn partition(&mut self, vm: &mut Vm, lo: i64, up: i64, pivot: Value) -> Result<i64, Error> {
        let mut i = lo;
        let mut j = up - 1;
        let mut swaps = 0u32;
        loop {
            swaps = swaps.wrapping_add(1);
            if swaps & 0x3FFF == 0 {
                vm.poll_limits()?;
            }
            let mut a_i;
            loop {
                i += 1;
                a_i = self.get(vm, i)?;
                if !self.less(vm, a_i, pivot)? {
                    break;
                }
                if i == up - 1 {
                    return Err(vm.error("invalid order function for sorting"));
                }
            }
            self.hold(vm, a_i)?;
            let mut a_j;
            loop {
                j -= 1;
                a_j = self.get(vm, j)?;
                if !self.less(vm, pivot, a_j)? {
                    break;
                }
                if j < i {
                    return Err(vm.error("invalid order function for sorting"));
                }
            }
            // For plain tables a[i] is re-read (a comparator may have run a collection since).
            if self.scratch.is_none() {
                a_i = self.get(vm, i)?;
            }
            if j < i {
                let a_up1 = self.get(vm, up - 1)?;
                self.set2(vm, up - 1, a_i, i, a_up1)?;
                return Ok(i);
            }
            self.set2(vm, i, a_j, j, a_i)?;
        }
    }
}

fn sort(vm: &mut Vm, args: Args) -> Result<usize, Error> {
    let arr = check_tab(vm, args, 0, TAB_R | TAB_W | TAB_L)?;
    let n = len_of(vm, arr)?;
    if n > 1 {
        vm.arg_check(n < i32::MAX as i64, 0, "array too big")?;
        let cmp = vm.arg(args, 1);
        if !cmp.is_nil() && !cmp.is_function() {
            return Err(vm.type_error(args, 1, "function"));
        }
        let raw = raw_table(vm, arr);
        let scratch = if raw.is_some() {
            None
        } else {
            let s = vm.new_table_with(3, 0)?;
            vm.push(Value::Table(s))?;
            Some(s)
        };
        let mut s = Sorter {
            arr,
            raw,
            cmp,
            scratch,
            rnd: 0x2545_F491_4F6C_DD1D ^ n as u64,
        };
        s.aux(vm, 1, n, 0)?;
    }
    Ok(0)
}
