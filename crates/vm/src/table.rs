//! Tables (manual §2.1, §3.4.7 for `#`, §6.1 for `next`): an array part plus a hash part,
//! sized and searched the way PUC Lua 5.4 does it, so that everything the manual leaves to the
//! implementation but programs can still observe — which border `#` returns for a table with
//! holes, the order of `next` over integer keys — comes out as in lua5.4.
//!
//! - **Array part** `arr`: keys `1..=arr.len()` (slots may be nil). Its length only changes in
//!   `resize`: at a rehash (the largest power of two `n` such that more than `n/2` of the keys
//!   `1..=n` are present), for a constructor's exact item count, or for a native's
//!   `new_table_with`. `alimit` is PUC's hint for `#`: a position in the array part that may
//!   be a border. Reads and writes of integer keys past it, and `#` itself, move it, exactly
//!   where PUC's `luaH_getint`/`luaH_getn` do.
//! - **Hash part** `nodes`: empty or a power of two, a chained scatter table with Brent's
//!   variation: a key lives in its main position or in a node chained from it; a colliding
//!   key that is not in its own main position is moved out for the new one. Free nodes are
//!   taken from `lastfree` downwards; when none is left the table is rehashed (hash sized for
//!   exactly the keys it holds, rounded up to a power of two). Main positions of integers,
//!   floats and booleans are PUC's, so their placement and `next` order match lua5.4; strings
//!   and objects hash by handle (PUC's hash there is seeded or address-based anyway).
//! - A node whose value is nil but whose key is set is *dead*: it stays in its chain (so `next`
//!   keeps working when a field is cleared during traversal) until the next rehash drops it;
//!   only a new key whose main position it is may take it over.
//!
//! Keys are normalised before they get here: floats with an integral value become integers; nil
//! and NaN keys are rejected by the VM with `table index is nil/NaN`. Strings are interned, so
//! every key is hashed and compared by its bits/handle without dereferencing anything.
//!
//! All stores go through `Table::set`/`set_int`/`set_str` (the future write barrier's place).

use std::cell::Cell;

use crate::heap::Alloc;
use crate::value::{float_to_int_exact, Handle, StrRef, TableRef, Value};
use crate::value::{FnRef, NativeRef, ThreadRef, UdRef};

/// No next node in the chain.
const NO_NEXT: u32 = u32::MAX;

/// A node's key (and, in the same form, its value), stored as a type tag and a payload word so
/// that a node (value, key, chain link) fits in 24 bytes rather than 40. A handle's payload
/// is `idx | gen << 32`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    tag: u32,
    payload: u64,
}

const K_NIL: u32 = 0;
const K_BOOL: u32 = 1;
const K_INT: u32 = 2;
const K_FLOAT: u32 = 3;
const K_STR: u32 = 4;
const K_TABLE: u32 = 5;
const K_LUAFN: u32 = 6;
const K_NATIVE: u32 = 7;
const K_UD: u32 = 8;
const K_THREAD: u32 = 9;
const K_LIGHT: u32 = 10;

#[inline(always)]
fn hword(h: Handle) -> u64 {
    h.idx as u64 | (h.gen as u64) << 32
}

#[inline(always)]
fn hdecode(w: u64) -> Handle {
    Handle {
        idx: w as u32,
        gen: (w >> 32) as u32,
    }
}

impl Key {
    #[inline(always)]
    fn int(i: i64) -> Key {
        Key {
            tag: K_INT,
            payload: i as u64,
        }
    }

    #[inline]
    fn of(v: Value) -> Key {
        let (tag, payload) = match v {
            Value::Nil => (K_NIL, 0),
            Value::Bool(b) => (K_BOOL, b as u64),
            Value::Int(i) => (K_INT, i as u64),
            Value::Float(f) => (K_FLOAT, f.to_bits()),
            Value::Str(s) => (K_STR, hword(s.0)),
            Value::Table(h) => (K_TABLE, hword(h.0)),
            Value::LuaFn(h) => (K_LUAFN, hword(h.0)),
            Value::Native(h) => (K_NATIVE, hword(h.0)),
            Value::Userdata(h) => (K_UD, hword(h.0)),
            Value::Thread(h) => (K_THREAD, hword(h.0)),
            Value::LightUserdata(p) => (K_LIGHT, p),
        };
        Key { tag, payload }
    }

    #[inline]
    fn value(self) -> Value {
        let w = self.payload;
        match self.tag {
            K_BOOL => Value::Bool(w != 0),
            K_INT => Value::Int(w as i64),
            K_FLOAT => Value::Float(f64::from_bits(w)),
            K_STR => Value::Str(StrRef(hdecode(w))),
            K_TABLE => Value::Table(TableRef(hdecode(w))),
            K_LUAFN => Value::LuaFn(FnRef(hdecode(w))),
            K_NATIVE => Value::Native(NativeRef(hdecode(w))),
            K_UD => Value::Userdata(UdRef(hdecode(w))),
            K_THREAD => Value::Thread(ThreadRef(hdecode(w))),
            K_LIGHT => Value::LightUserdata(w),
            _ => Value::Nil,
        }
    }

    #[inline(always)]
    fn is_nil(self) -> bool {
        self.tag == K_NIL
    }

    /// Raw key identity: a string by its slot alone (a long string's identity tag in the
    /// generation's high bits does not matter), everything else by tag and payload.
    #[inline(always)]
    fn same(self, other: Key) -> bool {
        if self.tag != other.tag {
            return false;
        }
        let diff = self.payload ^ other.payload;
        if self.tag == K_STR {
            diff as u32 == 0
        } else {
            diff == 0
        }
    }
}

/// One hash-part entry: 24 bytes (pinned by a test), as PUC's. The value is stored as a tag
/// byte and a payload word like the key (`Key`), so both tags and the chain link share the
/// third word.
#[derive(Clone, Copy)]
pub(crate) struct Node {
    val_payload: u64,
    key_payload: u64,
    val_tag: u8,
    key_tag: u8,
    /// Index of the next node in this chain, or `NO_NEXT`.
    next: u32,
}

impl Node {
    /// The value. Numbers (the most common kind read in loops) first, then the kinds a global,
    /// a field or a method usually holds (tables, functions, strings), each one compare; the
    /// rest out of line. (A `match` compiles to a jump table that cost nbody +9%; with these
    /// compares, against numbers only: compiler -2.9%, coroutines -3.8%, oop -2.0%,
    /// json -0.7% instructions, sort +0.8%.)
    #[inline(always)]
    fn val(&self) -> Value {
        let w = self.val_payload;
        let t = self.val_tag as u32;
        if t == K_FLOAT {
            Value::Float(f64::from_bits(w))
        } else if t == K_INT {
            Value::Int(w as i64)
        } else if t == K_TABLE {
            Value::Table(TableRef(hdecode(w)))
        } else if t == K_LUAFN {
            Value::LuaFn(FnRef(hdecode(w)))
        } else if t == K_NATIVE {
            Value::Native(NativeRef(hdecode(w)))
        } else if t == K_STR {
            Value::Str(StrRef(hdecode(w)))
        } else {
            self.val_other()
        }
    }

    /// The other kinds of value (booleans, userdata, threads, light userdata), out of line.
    #[inline(never)]
    fn val_other(&self) -> Value {
        Key {
            tag: self.val_tag as u32,
            payload: self.val_payload,
        }
        .value()
    }

    #[inline(always)]
    fn set_val(&mut self, v: Value) {
        let k = Key::of(v);
        self.val_tag = k.tag as u8;
        self.val_payload = k.payload;
    }

    #[inline(always)]
    fn val_is_nil(&self) -> bool {
        self.val_tag == K_NIL as u8
    }

    #[inline(always)]
    fn clear_val(&mut self) {
        self.val_tag = K_NIL as u8;
    }

    #[inline(always)]
    fn key(&self) -> Key {
        Key {
            tag: self.key_tag as u32,
            payload: self.key_payload,
        }
    }

    #[inline(always)]
    fn set_key(&mut self, k: Key) {
        self.key_tag = k.tag as u8;
        self.key_payload = k.payload;
    }
}

impl Default for Node {
    fn default() -> Node {
        Node {
            val_payload: 0,
            key_payload: 0,
            val_tag: K_NIL as u8,
            key_tag: K_NIL as u8,
            next: NO_NEXT,
        }
    }
}

/// Spare array and hash parts of 1, 2 and 4 slots, kept between rehashes. A table filled one
/// key at a time is rehashed at 1, 2, 3 and 5 keys (PUC's sizing, which `#` and `next` order
/// depend on), and each rehash frees one small part and allocates the next: the pool turns
/// those allocator round trips into a pop and a push. Pooled parts are uncharged and few
/// (`POOL_DEPTH` per size and kind: at most 10 KiB in all); their contents are stale until
/// the taker fills them.
#[derive(Default)]
pub(crate) struct PartPool {
    nodes: [Vec<Box<[Node]>>; 3],
    arrays: [Vec<Box<[Value]>>; 3],
}

const POOL_DEPTH: usize = 32;

/// The pool index of a part of `n` slots, if that size is pooled.
#[inline(always)]
fn pool_slot(n: usize) -> Option<usize> {
    matches!(n, 1 | 2 | 4).then(|| n.trailing_zeros() as usize)
}

/// A part of exactly `n` slots filled with `fill`: a pooled one when there is one, else a
/// fresh allocation (`None` when the allocator refuses).
fn new_part<T: Copy>(spare: &mut [Vec<Box<[T]>>; 3], n: usize, fill: T) -> Option<Box<[T]>> {
    if let Some(mut b) = pool_slot(n).and_then(|i| spare[i].pop()) {
        b.fill(fill);
        return Some(b);
    }
    let mut v = Vec::new();
    v.try_reserve_exact(n).ok()?;
    v.resize(n, fill);
    Some(v.into_boxed_slice())
}

/// Keeps a part for a later `new_part` when its size is pooled.
#[inline]
fn give_part<T>(spare: &mut [Vec<Box<[T]>>; 3], b: Box<[T]>) {
    if let Some(i) = pool_slot(b.len()) {
        if spare[i].len() < POOL_DEPTH {
            spare[i].push(b);
        }
    }
}

/// A Lua table. See the module comment for the invariants. 48 bytes (pinned by a test): both
/// parts are exact-size boxed slices (their lengths are the sizes, and what the table is
/// charged), and the metatable is a bare slot index. (The weak mode is read from the
/// metatable by the collector, so it is not kept here.)
#[derive(Default)]
pub struct Table {
    pub(crate) arr: Box<[Value]>,
    nodes: Box<[Node]>,
    /// PUC's `alimit`: `<= arr.len()`; equal to it unless `#` or an integer access moved it.
    alimit: Cell<u32>,
    /// Every node at or above this index has a key (free nodes are searched below it).
    lastfree: u32,
    /// The metatable's slot in the table arena plus one (0: none). The collector marks it
    /// through this table, so the slot stays the metatable's while the link exists.
    meta: u32,
    /// Metamethods known to be absent when this table is used as a metatable: bit `i` set
    /// means event `i` of `meta::Tm` is absent. Cleared by every store. Bits 30 and 31 are
    /// the collector's (`GC_BITS`): `BLACK`, the table's traversal has begun (or it was born)
    /// in the marking under way, so what is stored into it must be marked (the write barrier
    /// in `Heap::table_mut`); `MOVED`, entries moved to other slots since then (a rehash or
    /// an array shift), so a traversal done a part at a time starts over.
    absent: u32,
}

/// The collector's bits in `Table::absent` (events use bits 0..TM_COUNT).
const BLACK: u32 = 1 << 31;
const MOVED: u32 = 1 << 30;
const GC_BITS: u32 = BLACK | MOVED;
const _: () = assert!(
    crate::meta::TM_COUNT < 30,
    "the collector's bits are 30 and 31"
);

const NODE_SIZE: usize = std::mem::size_of::<Node>();
const VAL_SIZE: usize = std::mem::size_of::<Value>();
/// Bytes accounted for an empty table object: the arena slot and its bookkeeping.
pub(crate) const TABLE_BASE_COST: usize =
    std::mem::size_of::<Table>() + crate::arena::SLOT_META_BYTES;
/// Largest array part (PUC's `MAXASIZE` on 64-bit hosts): keys above it always hash.
const MAX_ASIZE: u64 = 1 << 31;
/// Largest hash part, in nodes (PUC's `MAXHSIZE`).
const MAX_HSIZE: usize = 1 << 30;

#[inline(always)]
fn mix(x: u64) -> u64 {
    let x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 31)
}

/// The main position of a string key (handle slot `idx`) in a hash part of `size` nodes (a
/// power of two): Fibonacci hashing, the top bits of `idx` times 2^64 over the golden ratio.
/// Strings interned together (a chunk's field names) have neighbouring slots, and those land
/// in distinct nodes; `mix`'s low bits put 7 neighbours in 8 nodes at 2.5 probes a lookup.
#[inline(always)]
fn str_slot(idx: u32, size: usize) -> usize {
    let h = (idx as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    // `size <= 2^30`: the top log2(size) bits of the product.
    ((h * size as u64) >> 32) as usize
}

/// `frexp`: `x = m * 2^e` with `0.5 <= |m| < 1` (finite, non-zero `x`).
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first (one level deep).
        let (m, e) = frexp(x * f64::from_bits(0x4350_0000_0000_0000)); // 2^54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// PUC's `l_hashfloat`: a non-negative `i32`-range hash of a non-integral float key.
fn hash_float(f: f64) -> u64 {
    let (m, e) = frexp(f);
    let n = m * 2_147_483_648.0; // -(INT_MIN)
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n) {
        return 0; // inf or NaN
    }
    let ni = n as i64; // truncates, as C's cast does
    let u = (e as u32).wrapping_add(ni as u32);
    (if u <= i32::MAX as u32 { u } else { !u }) as u64
}

/// Turns a float key with an integral value into an integer key.
#[inline(always)]
pub(crate) fn normalize_key(k: Value) -> Value {
    if let Value::Float(f) = k {
        if let Some(i) = float_to_int_exact(f) {
            return Value::Int(i);
        }
    }
    k
}

/// `ceil(log2(k))` for `k >= 1`: the slice of the array counts that key `k` falls in.
#[inline]
fn ceil_log2(k: u64) -> usize {
    64 - (k - 1).leading_zeros() as usize
}

/// Why a store failed: the memory cap (the VM turns it into `not enough memory`).
#[derive(Debug)]
pub struct OutOfMemory;

impl Table {
    /// Creates a table with room for `narr` array items and `nhash` hash items (PUC's
    /// `lua_createtable`: the array part gets exactly `narr` slots).
    pub(crate) fn with_capacity(
        narr: usize,
        nhash: usize,
        alloc: &mut Alloc,
    ) -> Result<Table, OutOfMemory> {
        let hsize = if nhash == 0 {
            0
        } else {
            nhash.checked_next_power_of_two().ok_or(OutOfMemory)?
        };
        if hsize > MAX_HSIZE || narr > MAX_ASIZE as usize {
            return Err(OutOfMemory);
        }
        let bytes = hsize * NODE_SIZE + narr * VAL_SIZE;
        if bytes == 0 {
            return Ok(Table::default());
        }
        alloc.charge(bytes)?;
        let parts = &mut alloc.part_pool;
        let arr = new_part(&mut parts.arrays, narr, Value::Nil);
        let nodes = new_part(&mut parts.nodes, hsize, Node::default());
        let (Some(arr), Some(nodes)) = (arr, nodes) else {
            alloc.release(bytes);
            return Err(OutOfMemory);
        };
        Ok(Table {
            arr,
            alimit: Cell::new(narr as u32),
            nodes,
            lastfree: hsize as u32,
            ..Table::default()
        })
    }

    /// Bytes this table is charged for besides `TABLE_BASE_COST`: its two parts.
    #[inline]
    pub(crate) fn part_bytes(&self) -> usize {
        self.arr.len() * VAL_SIZE + self.nodes.len() * NODE_SIZE
    }

    /// Whether the table has a metatable.
    #[inline(always)]
    pub(crate) fn has_meta(&self) -> bool {
        self.meta != 0
    }

    /// The metatable's slot in the table arena (see `Arena::get_idx`).
    #[inline(always)]
    pub(crate) fn meta_slot(&self) -> Option<u32> {
        self.meta.checked_sub(1)
    }

    /// Sets or removes the metatable link (the VM's `set_metatable` keeps the weak mode).
    #[inline]
    pub(crate) fn set_meta(&mut self, mt: Option<TableRef>) {
        self.meta = mt.map_or(0, |m| m.0.idx + 1);
    }

    /// Whether event `tm` (a `meta::Tm` number) is known to be absent from this table used
    /// as a metatable.
    #[inline(always)]
    pub(crate) fn tm_absent(&self, tm: u32) -> bool {
        self.absent & (1 << tm) != 0
    }

    /// Records that event `tm` is absent (until the next store).
    #[inline(always)]
    pub(crate) fn note_tm_absent(&mut self, tm: u32) {
        self.absent |= 1 << tm;
    }

    /// Whether the collector has traversed this table in the marking under way (black).
    #[inline(always)]
    pub(crate) fn is_black(&self) -> bool {
        self.absent & BLACK != 0
    }

    #[inline(always)]
    pub(crate) fn set_black(&mut self) {
        self.absent |= BLACK;
    }

    /// Clears the black bit (the generational backward barrier, `Barrier::touch`).
    #[inline(always)]
    pub(crate) fn clear_black(&mut self) {
        self.absent &= !BLACK;
    }

    /// Clears both collector bits (the sweep, between cycles).
    #[inline(always)]
    pub(crate) fn clear_gc_bits(&mut self) {
        self.absent &= !GC_BITS;
    }

    /// Whether entries moved since the traversal began; clears the flag.
    #[inline]
    pub(crate) fn take_moved(&mut self) -> bool {
        let moved = self.absent & MOVED != 0;
        self.absent &= !MOVED;
        moved
    }

    /// Records that entries move to other slots (see `MOVED`).
    #[inline(always)]
    fn note_moved(&mut self) {
        if self.absent & BLACK != 0 {
            self.absent |= MOVED;
        }
    }

    /// Every store forgets the absent cache (the table may be some table's metatable); the
    /// collector's bits stay.
    #[inline(always)]
    fn touch(&mut self) {
        self.absent &= GC_BITS;
    }

    /// The node where key `k` starts its chain (the hash part must not be empty).
    #[inline(always)]
    fn main_position(&self, k: Key) -> usize {
        let size = self.nodes.len();
        let w = k.payload;
        let pow2 = |h: u64| h as usize & (size - 1);
        let odd = |h: u64| (h % ((size as u64 - 1) | 1)) as usize;
        match k.tag {
            K_INT => odd(w),
            K_STR => str_slot(w as u32, size),
            K_FLOAT => odd(hash_float(f64::from_bits(w))),
            K_BOOL => pow2(w),
            K_LIGHT => odd(mix(w ^ (7 << 56))),
            t => odd(mix(w as u32 as u64 | (t as u64) << 40)),
        }
    }

    /// The node holding key `k` (live or dead).
    #[inline]
    fn find_node(&self, k: Value) -> Option<usize> {
        self.find_key(Key::of(k))
    }

    /// The node holding integer key `i`.
    #[inline]
    fn find_int(&self, i: i64) -> Option<usize> {
        self.find_key(Key::int(i))
    }

    /// Walks `k`'s chain from its main position.
    #[inline(always)]
    fn find_key(&self, k: Key) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut i = self.main_position(k);
        loop {
            let n = self.nodes.get(i)?;
            if n.key().same(k) {
                return Some(i);
            }
            i = n.next as usize;
        }
    }

    /// Raw get with any key.
    #[inline]
    pub fn get(&self, k: Value) -> Value {
        match k {
            Value::Int(i) => self.get_int(i),
            Value::Str(s) => self.get_str(s),
            Value::Nil => Value::Nil,
            Value::Float(_) => match normalize_key(k) {
                Value::Int(i) => self.get_int(i),
                k => self.get_node(k),
            },
            _ => self.get_node(k),
        }
    }

    #[inline]
    fn get_node(&self, k: Value) -> Value {
        match self.find_node(k) {
            Some(i) => self.nodes[i].val(),
            None => Value::Nil,
        }
    }

    /// Raw get with an integer key. A key in the array part past `alimit` moves `alimit` to
    /// it, as PUC's `luaH_getint` does.
    #[inline(always)]
    pub fn get_int(&self, i: i64) -> Value {
        let u = (i as u64).wrapping_sub(1);
        if let Some(&v) = self.arr.get(u as usize) {
            if u as usize >= self.alimit.get() as usize {
                self.alimit.set(u as u32 + 1);
            }
            return v;
        }
        match self.find_int(i) {
            Some(p) => self.nodes[p].val(),
            None => Value::Nil,
        }
    }

    /// The value at integer key `i` when `i` falls in the array part (moving `alimit` as
    /// `get_int` does); `None` sends the caller to the general lookup.
    #[inline(always)]
    pub(crate) fn get_in_array(&self, i: i64) -> Option<Value> {
        let u = (i as u64).wrapping_sub(1);
        let v = *self.arr.get(u as usize)?;
        if u as usize >= self.alimit.get() as usize {
            self.alimit.set(u as u32 + 1);
        }
        Some(v)
    }

    /// Raw get with a string key.
    #[inline(always)]
    pub fn get_str(&self, s: StrRef) -> Value {
        match self.find_str_node(s) {
            Some(i) => self.nodes.get(i).map_or(Value::Nil, |n| n.val()),
            None => Value::Nil,
        }
    }

    /// `get_str` trying node `hint` first (an instruction's inline cache, `LoadedProto::hints`),
    /// and remembering where the key was found when it was not there.
    #[inline(always)]
    pub fn get_str_hinted(&self, s: StrRef, hint: &std::cell::Cell<u16>) -> Value {
        match self.nodes.get(hint.get() as usize) {
            Some(n) if n.key_tag == K_STR as u8 && n.key_payload as u32 == s.0.idx => n.val(),
            _ => self.get_str_learn(s, hint),
        }
    }

    /// The chain walk of `get_str_hinted`'s miss, which updates the hint.
    #[inline(never)]
    fn get_str_learn(&self, s: StrRef, hint: &std::cell::Cell<u16>) -> Value {
        let Some(i) = self.learn_str_node(s, hint) else {
            return Value::Nil;
        };
        self.nodes.get(i).map_or(Value::Nil, |n| n.val())
    }

    /// `set_str` trying node `hint` first (see `get_str_hinted`).
    #[inline(always)]
    pub(crate) fn set_str_hinted(
        &mut self,
        s: StrRef,
        v: Value,
        alloc: &mut Alloc,
        hint: &std::cell::Cell<u16>,
    ) -> Result<(), OutOfMemory> {
        let i = hint.get() as usize;
        match self.nodes.get_mut(i) {
            Some(n)
                if n.key_tag == K_STR as u8
                    && n.key_payload as u32 == s.0.idx
                    && !n.val_is_nil() =>
            {
                n.set_val(v);
                self.touch();
                Ok(())
            }
            _ => self.set_str_learn(s, v, alloc, hint),
        }
    }

    /// `set_str_hinted`'s miss: `set_str`, then the hint points at the key's node if it has one.
    #[inline(never)]
    fn set_str_learn(
        &mut self,
        s: StrRef,
        v: Value,
        alloc: &mut Alloc,
        hint: &std::cell::Cell<u16>,
    ) -> Result<(), OutOfMemory> {
        self.set_str(s, v, alloc)?;
        self.learn_str_node(s, hint);
        Ok(())
    }

    /// `find_str_node`, pointing `hint` at the node found (when its index fits).
    fn learn_str_node(&self, s: StrRef, hint: &std::cell::Cell<u16>) -> Option<usize> {
        let i = self.find_str_node(s)?;
        if let Ok(h) = u16::try_from(i) {
            hint.set(h);
        }
        Some(i)
    }

    /// The node holding string key `s`, if any: a walk of its chain where a node matches by
    /// one tag-and-handle compare (no general `key_eq` dispatch per node).
    #[inline(always)]
    fn find_str_node(&self, s: StrRef) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut i = str_slot(s.0.idx, self.nodes.len());
        loop {
            let n = self.nodes.get(i)?;
            if n.key_tag == K_STR as u8 && n.key_payload as u32 == s.0.idx {
                return Some(i);
            }
            i = n.next as usize;
        }
    }

    /// Raw set. `k` must not be nil or NaN (checked by the caller); floats are normalised here.
    pub(crate) fn set(&mut self, k: Value, v: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        match normalize_key(k) {
            Value::Int(i) => self.set_int(i, v, alloc),
            Value::Str(s) => self.set_str(s, v, alloc),
            k => self.set_node(k, v, alloc),
        }
    }

    /// Raw set of an integer key that falls in the array part; false (nothing stored) for any
    /// other key. An integer key leaves the metamethod cache alone: event names are strings.
    #[inline(always)]
    pub(crate) fn set_in_array(&mut self, i: i64, v: Value) -> bool {
        let u = (i as u64).wrapping_sub(1) as usize;
        let lim = self.alimit.get() as usize;
        match self.arr.get_mut(u) {
            Some(slot) => {
                *slot = v;
                if u >= lim {
                    self.alimit.set(u as u32 + 1);
                }
                true
            }
            None => false,
        }
    }

    /// `set_in_array` when no `__newindex` can apply: the table has no metatable, or the slot
    /// holds a value.
    #[inline(always)]
    pub(crate) fn set_array_slot(&mut self, i: i64, v: Value) -> bool {
        let slot = self.arr.get((i as u64).wrapping_sub(1) as usize);
        if self.has_meta() && slot.is_none_or(|v| v.is_nil()) {
            return false;
        }
        self.set_in_array(i, v)
    }

    /// Raw set with an integer key.
    #[inline]
    pub(crate) fn set_int(
        &mut self,
        i: i64,
        v: Value,
        alloc: &mut Alloc,
    ) -> Result<(), OutOfMemory> {
        self.touch();
        let u = (i as u64).wrapping_sub(1);
        let lim = self.alimit.get() as usize;
        if let Some(slot) = self.arr.get_mut(u as usize) {
            *slot = v;
            if u as usize >= lim {
                self.alimit.set(u as u32 + 1);
            }
            return Ok(());
        }
        if let Some(p) = self.find_int(i) {
            self.nodes[p].set_val(v);
            return Ok(());
        }
        if v.is_nil() {
            return Ok(());
        }
        self.new_key(Value::Int(i), v, alloc)
    }

    /// Raw set with a string key.
    #[inline]
    pub(crate) fn set_str(
        &mut self,
        s: StrRef,
        v: Value,
        alloc: &mut Alloc,
    ) -> Result<(), OutOfMemory> {
        self.touch();
        if !self.nodes.is_empty() {
            let mut i = str_slot(s.0.idx, self.nodes.len());
            while let Some(n) = self.nodes.get_mut(i) {
                if n.key_tag == K_STR as u8 && n.key_payload as u32 == s.0.idx {
                    if n.val_is_nil() {
                        // A dead node's key may be a collected string whose slot `s` now
                        // reuses: store the live handle.
                        n.key_payload = hword(s.0);
                    }
                    n.set_val(v);
                    return Ok(());
                }
                i = n.next as usize;
            }
        }
        if v.is_nil() {
            return Ok(());
        }
        self.new_key(Value::Str(s), v, alloc)
    }

    fn set_node(&mut self, k: Value, v: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        self.touch();
        if let Some(n) = self.find_node(k) {
            self.nodes[n].set_val(v);
            return Ok(());
        }
        if v.is_nil() {
            return Ok(());
        }
        self.new_key(k, v, alloc)
    }

    /// Clears the entry of `k` without moving `alimit` (the collector's weak-table clearing,
    /// which PUC does on the slots directly).
    pub(crate) fn clear_entry(&mut self, k: Value) {
        let k = normalize_key(k);
        if let Value::Int(i) = k {
            if let Some(slot) = self.arr.get_mut((i as u64).wrapping_sub(1) as usize) {
                *slot = Value::Nil;
                return;
            }
        }
        if let Some(n) = self.find_node(k) {
            self.nodes[n].clear_val();
        }
    }

    /// A free node below `lastfree` (one whose key was never set since the last resize).
    fn free_pos(&mut self) -> Option<usize> {
        while self.lastfree > 0 {
            self.lastfree -= 1;
            if self.nodes.get(self.lastfree as usize)?.key().is_nil() {
                return Some(self.lastfree as usize);
            }
        }
        None
    }

    /// Inserts a key known to be absent (PUC's `luaH_newkey`), rehashing when no node is free.
    fn new_key(&mut self, k: Value, v: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        if self.place(k, v) {
            return Ok(());
        }
        self.rehash(k, alloc)?;
        // The key may now belong to the array part.
        if let Value::Int(i) = k {
            if let Some(slot) = self.arr.get_mut((i as u64).wrapping_sub(1) as usize) {
                *slot = v;
                return Ok(());
            }
        }
        if self.place(k, v) {
            Ok(())
        } else {
            // Unreachable: a rehash leaves room for every key plus the new one.
            Err(OutOfMemory)
        }
    }

    /// Puts an absent key into the hash part; false when no node is free.
    fn place(&mut self, k: Value, v: Value) -> bool {
        self.place_key(Key::of(k), v)
    }

    fn place_key(&mut self, k: Key, v: Value) -> bool {
        if self.nodes.is_empty() {
            return false;
        }
        let mut mp = self.main_position(k);
        if !self.nodes[mp].val_is_nil() {
            // The main position is taken: a free node is needed.
            let Some(f) = self.free_pos() else {
                return false;
            };
            let other = self.main_position(self.nodes[mp].key());
            if other != mp {
                // The colliding node is out of its main position: move it to the free node
                // (relinking its predecessor) and take its place.
                self.note_moved();
                let mut prev = other;
                let mut steps = 0;
                while self.nodes[prev].next as usize != mp {
                    prev = self.nodes[prev].next as usize;
                    steps += 1;
                    if prev >= self.nodes.len() || steps > self.nodes.len() {
                        return false; // a broken chain: unreachable
                    }
                }
                self.nodes[prev].next = f as u32;
                self.nodes[f] = self.nodes[mp];
                self.nodes[mp].next = NO_NEXT;
                self.nodes[mp].clear_val();
            } else {
                // The colliding node is in its main position: the new key goes to the free
                // node, chained right after it.
                self.nodes[f].next = self.nodes[mp].next;
                self.nodes[mp].next = f as u32;
                mp = f;
            }
        }
        let n = &mut self.nodes[mp];
        n.set_key(k);
        n.set_val(v);
        true
    }

    /// Recomputes the array and hash sizes for the live keys plus `extra` (PUC's `rehash`).
    fn rehash(&mut self, extra: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        // A list being appended to: no hash part, every array slot set, and the new key just
        // past the end. The keys are then exactly `1..=m`, for which the count below picks the
        // smallest power of two `>= m` as the array size and leaves nothing to hash; skip it.
        if self.nodes.is_empty() {
            if let Value::Int(k) = extra {
                let m = self.arr.len() as u64 + 1;
                if k as u64 == m && m <= MAX_ASIZE && self.arr.iter().all(|v| !v.is_nil()) {
                    return self.resize((m as usize).next_power_of_two(), 0, alloc);
                }
            }
        }
        // nums[b] counts integer keys k with 2^(b-1) < k <= 2^b (nums[0] counts k == 1).
        let mut nums = [0usize; 32];
        let count_int = |k: i64, nums: &mut [usize; 32]| -> usize {
            let u = k as u64;
            if u >= 1 && u <= MAX_ASIZE {
                nums[ceil_log2(u)] += 1;
                1
            } else {
                0
            }
        };
        self.alimit.set(self.arr.len() as u32);
        let mut na = 0usize;
        for (i, v) in self.arr.iter().enumerate() {
            if !v.is_nil() {
                nums[ceil_log2(i as u64 + 1)] += 1;
                na += 1;
            }
        }
        let mut total = na;
        for n in &self.nodes {
            if !n.val_is_nil() {
                if n.key_tag == K_INT as u8 {
                    na += count_int(n.key_payload as i64, &mut nums);
                }
                total += 1;
            }
        }
        if let Value::Int(k) = extra {
            na += count_int(k, &mut nums);
        }
        total += 1;
        // The largest power of two n with more than n/2 of the keys 1..=n present.
        let mut a = 0usize;
        let mut arr_keys = 0usize;
        let mut asize = 0usize;
        let mut twotoi = 1usize;
        let mut i = 0usize;
        while i < nums.len() && na > twotoi / 2 {
            a += nums[i];
            if a > twotoi / 2 {
                asize = twotoi;
                arr_keys = a;
            }
            i += 1;
            twotoi *= 2;
        }
        self.resize(asize, total - arr_keys, alloc)
    }

    /// Gives the table an array part of exactly `asize` slots and a hash part for `nhash`
    /// keys, moving entries between them (PUC's `luaH_resize`, in the same order, so nodes
    /// land where lua5.4 puts them).
    fn resize(&mut self, asize: usize, nhash: usize, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        self.note_moved();
        let old_asize = self.arr.len();
        self.alimit.set(old_asize as u32);
        let hsize = if nhash == 0 {
            0
        } else {
            nhash.checked_next_power_of_two().ok_or(OutOfMemory)?
        };
        if hsize > MAX_HSIZE || asize as u64 > MAX_ASIZE {
            return Err(OutOfMemory);
        }
        // Charge for the new parts before allocating anything.
        let old_bytes = self.part_bytes();
        let new_bytes = hsize * NODE_SIZE + asize * VAL_SIZE;
        alloc.charge(new_bytes)?;
        let parts = &mut alloc.part_pool;
        let nodes = new_part(&mut parts.nodes, hsize, Node::default());
        let arr = if asize == old_asize {
            Some(None)
        } else {
            new_part(&mut parts.arrays, asize, Value::Nil).map(Some)
        };
        let (Some(nodes), Some(arr)) = (nodes, arr) else {
            alloc.release(new_bytes);
            return Err(OutOfMemory);
        };
        let old_nodes = std::mem::replace(&mut self.nodes, nodes);
        self.lastfree = hsize as u32;
        let mut ok = true;
        if let Some(mut arr) = arr {
            let keep = asize.min(old_asize);
            if let (Some(dst), Some(src)) = (arr.get_mut(..keep), self.arr.get(..keep)) {
                dst.copy_from_slice(src);
            }
            let old_arr = std::mem::replace(&mut self.arr, arr);
            // The vanishing slice of the array goes to the new hash part first.
            for (j, &v) in old_arr.iter().enumerate().skip(asize) {
                if !v.is_nil() {
                    ok &= self.place(Value::Int(j as i64 + 1), v);
                }
            }
            give_part(&mut alloc.part_pool.arrays, old_arr);
        }
        self.alimit.set(asize as u32);
        for n in old_nodes.iter() {
            if n.val_is_nil() {
                continue;
            }
            if n.key_tag == K_INT as u8 {
                if let Some(slot) = self.arr.get_mut(n.key_payload.wrapping_sub(1) as usize) {
                    *slot = n.val();
                    continue;
                }
            }
            ok &= self.place_key(n.key(), n.val());
        }
        give_part(&mut alloc.part_pool.nodes, old_nodes);
        alloc.release(old_bytes);
        if ok {
            Ok(())
        } else {
            Err(OutOfMemory) // unreachable: the new hash part has room for every key
        }
    }

    /// Stores a constructor's items at keys `off + 1 ..` straight into the array part, as
    /// PUC's SETLIST does once the array is large enough; false (nothing stored) when it is not.
    #[inline]
    pub(crate) fn store_list(&mut self, off: usize, vals: &[Value]) -> bool {
        match self.arr.get_mut(off..off.saturating_add(vals.len())) {
            Some(dst) => {
                dst.copy_from_slice(vals);
                self.touch();
                true
            }
            None => false,
        }
    }

    /// Moves the items at keys `from..from + n` to `to..to + n` (overlap allowed) when both
    /// ranges lie in the array part; false, nothing moved, otherwise. The border hint ends
    /// where the equivalent `get_int`/`set_int` calls leave it: each moves it past the key it
    /// touches, so it ends past the highest key touched.
    pub(crate) fn shift_in_array(&mut self, from: i64, to: i64, n: i64) -> bool {
        let (Ok(src), Ok(dst), Ok(n)) = (
            usize::try_from(from.wrapping_sub(1)),
            usize::try_from(to.wrapping_sub(1)),
            usize::try_from(n),
        ) else {
            return false;
        };
        let hi = src.max(dst).saturating_add(n);
        if n == 0 || hi > self.arr.len() || from < 1 || to < 1 {
            return false;
        }
        self.note_moved();
        self.arr.copy_within(src..src + n, dst);
        self.touch();
        if hi as u32 > self.alimit.get() {
            self.alimit.set(hi as u32);
        }
        true
    }

    /// Grows the array part to at least `n` slots before a constructor's items are stored
    /// (PUC's SETLIST: the hash part keeps its size and is rebuilt), so a constructor's items
    /// all sit in the array part and `#` of `{1, nil, 3}` is 3 as in lua5.4.
    pub(crate) fn ensure_array(&mut self, n: usize, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        if n <= self.arr.len() {
            return Ok(());
        }
        let nh = self.nodes.len();
        self.resize(n, nh, alloc)
    }

    /// A border (manual §3.4.7), found exactly as PUC's `luaH_getn` finds it (including how
    /// it moves `alimit`), so tables with holes give lua5.4's answer.
    pub fn len(&self) -> i64 {
        let size = self.arr.len();
        let mut limit = (self.alimit.get() as usize).min(size);
        let is_empty = |i: usize| self.arr.get(i).map_or(true, |v| v.is_nil());
        // Whether the array's real size is a power of two (PUC's `ispow2realasize`).
        let pow2_size = size & size.wrapping_sub(1) == 0;
        if limit > 0 && is_empty(limit - 1) {
            // There is a border before `limit`.
            if limit >= 2 && !is_empty(limit - 2) {
                if pow2_size && !(limit - 1).is_power_of_two() {
                    self.alimit.set(limit as u32 - 1);
                }
                return (limit - 1) as i64;
            }
            let b = self.bin_search(0, limit);
            if pow2_size && b > size / 2 {
                self.alimit.set(b as u32);
            }
            return b as i64;
        }
        // `limit` is zero or present.
        if limit != size {
            if is_empty(limit) {
                return limit as i64;
            }
            limit = size;
            if is_empty(limit - 1) {
                let b = self.bin_search(self.alimit.get() as usize, limit);
                self.alimit.set(b as u32);
                return b as i64;
            }
        }
        // `limit` is the array's size, and zero or present: look in the hash part.
        if self.nodes.is_empty() || self.get_int(limit as i64 + 1).is_nil() {
            return limit as i64;
        }
        self.hash_search(limit as u64)
    }

    /// A border in `(i, j]` of the array part, given `i` is 0 or present and `j` absent.
    fn bin_search(&self, mut i: usize, mut j: usize) -> usize {
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.arr.get(m - 1).map_or(true, |v| v.is_nil()) {
                j = m;
            } else {
                i = m;
            }
        }
        i
    }

    /// A border past the array part, given `j + 1` is present (PUC's `hash_search`).
    fn hash_search(&self, mut j: u64) -> i64 {
        const MAX: u64 = i64::MAX as u64;
        if j == 0 {
            j = 1;
        }
        let mut i;
        loop {
            i = j;
            if j <= MAX / 2 {
                j *= 2;
            } else {
                j = MAX;
                if self.get_int(j as i64).is_nil() {
                    break;
                }
                return j as i64;
            }
            if self.get_int(j as i64).is_nil() {
                break;
            }
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m as i64).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i as i64
    }

    /// The entry after `key` in traversal order (`next`); `Err` for a key not in the table.
    pub fn next(&self, key: Value) -> Result<Option<(Value, Value)>, ()> {
        let alen = self.arr.len();
        let start = match normalize_key(key) {
            Value::Nil => 0,
            Value::Int(i) if i >= 1 && (i as u64) <= alen as u64 => i as usize,
            k => match self.find_node(k) {
                Some(n) => alen + n + 1,
                None => return Err(()),
            },
        };
        let mut p = start;
        while p < alen {
            if !self.arr[p].is_nil() {
                return Ok(Some((Value::Int(p as i64 + 1), self.arr[p])));
            }
            p += 1;
        }
        let mut n = p - alen;
        while n < self.nodes.len() {
            let node = &self.nodes[n];
            if !node.val_is_nil() {
                return Ok(Some((node.key().value(), node.val())));
            }
            n += 1;
        }
        Ok(None)
    }

    /// Slots of the array and hash parts together: the index space of `for_each_entry_in`.
    #[inline]
    pub(crate) fn slot_count(&self) -> usize {
        self.arr.len() + self.nodes.len()
    }

    /// `for_each_entry` for the slots `from..to` (array slots first, then nodes).
    pub(crate) fn for_each_entry_in(
        &self,
        from: usize,
        to: usize,
        mut f: impl FnMut(Value, Value),
    ) {
        let na = self.arr.len();
        for v in self.arr.get(from.min(na)..to.min(na)).unwrap_or(&[]) {
            if !v.is_nil() {
                f(Value::Nil, *v);
            }
        }
        let (nf, nt) = (
            from.saturating_sub(na),
            to.saturating_sub(na).min(self.nodes.len()),
        );
        for n in self.nodes.get(nf.min(nt)..nt).unwrap_or(&[]) {
            if !n.val_is_nil() {
                f(n.key().value(), n.val());
            }
        }
    }

    /// Visits every live entry (for the collector). Array entries come with a nil key.
    #[inline]
    pub(crate) fn for_each_entry(&self, mut f: impl FnMut(Value, Value)) {
        for v in &self.arr {
            if !v.is_nil() {
                f(Value::Nil, *v);
            }
        }
        for n in &self.nodes {
            if !n.val_is_nil() {
                f(n.key().value(), n.val());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc() -> Alloc {
        Alloc::new(usize::MAX)
    }

    #[test]
    fn border_and_append() {
        let mut a = alloc();
        let mut t = Table::default();
        for i in 1..=100 {
            t.set_int(i, Value::Int(i), &mut a).unwrap();
            assert_eq!(t.len(), i);
        }
        // Appends grow the array part to the next power of two at each rehash, as in PUC.
        assert_eq!(t.arr.len(), 128);
        assert!(t.nodes.is_empty());
        t.set_int(100, Value::Nil, &mut a).unwrap();
        assert_eq!(t.len(), 99);
        let mut h = Table::default();
        h.set(Value::Float(3.0), Value::Bool(true), &mut a).unwrap();
        assert_eq!(h.len(), 0);
        assert!(h.get_int(3).truthy());
        h.set_int(1, Value::Bool(true), &mut a).unwrap();
        h.set_int(2, Value::Bool(true), &mut a).unwrap();
        assert_eq!(h.len(), 3);
    }

    #[test]
    fn float_keys_are_normalised() {
        let mut a = alloc();
        let mut t = Table::default();
        t.set(Value::Float(2.0), Value::Int(7), &mut a).unwrap();
        assert!(matches!(t.get(Value::Int(2)), Value::Int(7)));
        assert!(matches!(t.get(Value::Float(2.0)), Value::Int(7)));
        t.set(Value::Float(2.5), Value::Int(8), &mut a).unwrap();
        assert!(matches!(t.get(Value::Float(2.5)), Value::Int(8)));
        let (k, _) = t.next(Value::Nil).unwrap().unwrap();
        assert!(matches!(k, Value::Int(2) | Value::Float(_)));
    }

    #[test]
    fn next_is_stable_when_clearing() {
        let mut a = alloc();
        let mut t = Table::default();
        for i in 0..50 {
            t.set(Value::Int(i * 7 + 1000), Value::Int(i), &mut a)
                .unwrap();
        }
        let mut k = Value::Nil;
        let mut seen = 0;
        while let Some((key, _)) = t.next(k).unwrap() {
            t.set(key, Value::Nil, &mut a).unwrap();
            seen += 1;
            k = key;
        }
        assert_eq!(seen, 50);
        assert!(t.next(Value::Nil).unwrap().is_none());
        assert!(t.next(Value::Int(5)).is_err());
    }

    #[test]
    fn appending_sizes_the_array_as_the_count_does() {
        // The append shortcut in `rehash` must give the sizes the general count gives.
        let mut a = alloc();
        let mut t = Table::default();
        let mut sizes = Vec::new();
        for i in 1..=17 {
            t.set_int(i, Value::Int(i), &mut a).unwrap();
            sizes.push(t.arr.len());
        }
        assert_eq!(
            sizes,
            [1, 2, 4, 4, 8, 8, 8, 8, 16, 16, 16, 16, 16, 16, 16, 16, 32]
        );
        // With a hole the general count runs: keys 1, 2, 4 and 5 of 8 fill half, not more.
        let mut h = Table::default();
        for i in [1, 2, 3, 4] {
            h.set_int(i, Value::Int(i), &mut a).unwrap();
        }
        h.set_int(3, Value::Nil, &mut a).unwrap();
        h.set_int(5, Value::Int(5), &mut a).unwrap();
        assert_eq!(h.arr.len(), 4);
        assert!(matches!(h.get_int(5), Value::Int(5)));
    }

    #[test]
    fn parts_are_charged_by_their_sizes() {
        let mut a = alloc();
        let mut t = Table::default();
        t.set_int(1, Value::Int(1), &mut a).unwrap();
        assert_eq!(t.arr.len(), 1);
        assert_eq!(a.used, VAL_SIZE);
        for i in 2..=5 {
            t.set_int(i, Value::Int(i), &mut a).unwrap();
        }
        assert_eq!(t.arr.len(), 8);
        t.set(Value::Float(0.5), Value::Int(0), &mut a).unwrap();
        assert_eq!(t.nodes.len(), 1);
        assert_eq!(t.part_bytes(), 8 * VAL_SIZE + NODE_SIZE);
        assert_eq!(a.used, t.part_bytes());
    }

    #[test]
    fn table_is_48_bytes() {
        assert_eq!(std::mem::size_of::<Table>(), 48);
        const _: () = assert!(crate::meta::TM_COUNT <= 32, "the absent cache has 32 bits");
    }

    #[test]
    fn metatable_link_and_absent_cache() {
        let mut a = alloc();
        let mut t = Table::default();
        assert!(!t.has_meta());
        t.set_meta(Some(TableRef(Handle { idx: 0, gen: 3 })));
        assert_eq!(t.meta_slot(), Some(0));
        t.note_tm_absent(28);
        assert!(t.tm_absent(28) && !t.tm_absent(0));
        t.set_int(1, Value::Int(1), &mut a).unwrap();
        assert!(!t.tm_absent(28));
        assert_eq!(t.meta_slot(), Some(0));
        t.set_meta(None);
        assert!(!t.has_meta() && t.meta_slot().is_none());
    }

    #[test]
    fn small_hash_parts_are_reused() {
        let mut a = alloc();
        let mut t = Table::default();
        let keys: Vec<Value> = (0..5).map(|i| Value::Float(i as f64 + 0.5)).collect();
        for (i, k) in keys.iter().enumerate() {
            t.set(*k, Value::Int(i as i64), &mut a).unwrap();
        }
        // Rehashes at 1, 2, 3 and 5 keys freed parts of 1, 2 and 4 nodes into the pool.
        assert_eq!(
            a.part_pool.nodes.iter().map(Vec::len).collect::<Vec<_>>(),
            [1, 1, 1]
        );
        let mut u = Table::default();
        u.set(keys[0], Value::Int(0), &mut a).unwrap();
        assert_eq!(a.part_pool.nodes[0].len(), 0);
        for (i, k) in keys.iter().enumerate() {
            assert!(matches!(t.get(*k), Value::Int(x) if x == i as i64));
        }
        assert!(matches!(u.get(keys[0]), Value::Int(0)));
    }

    #[test]
    fn rehash_moves_ints_to_array() {
        let mut a = alloc();
        let mut t = Table::default();
        for i in (1..=64).rev() {
            t.set_int(i, Value::Int(i), &mut a).unwrap();
        }
        assert_eq!(t.len(), 64);
        for i in 1..=64 {
            assert!(matches!(t.get_int(i), Value::Int(x) if x == i));
        }
        assert_eq!(t.arr.len(), 64);
    }

    #[test]
    fn border_hint_moves_like_puc() {
        let mut a = alloc();
        let mut t = Table::with_capacity(8, 0, &mut a).unwrap();
        for i in 1..=6 {
            t.set_int(i, Value::Int(i), &mut a).unwrap();
        }
        // t[7], t[8] nil: `#` finds 6 and keeps it as the hint.
        assert_eq!(t.len(), 6);
        assert_eq!(t.alimit.get(), 6);
        // Reading t[8] moves the hint there; `#` then searches below it again.
        assert!(t.get_int(8).is_nil());
        assert_eq!(t.alimit.get(), 8);
        assert_eq!(t.len(), 6);
    }

    #[test]
    fn colliding_keys_chain_and_move() {
        let mut a = alloc();
        let mut t = Table::default();
        // Integer keys that share main positions in small hash parts.
        let keys: Vec<i64> = (0..200).map(|i| i * 1021 - 7000).collect();
        for &k in &keys {
            t.set_int(k, Value::Int(k), &mut a).unwrap();
        }
        for &k in &keys {
            assert!(matches!(t.get_int(k), Value::Int(x) if x == k));
        }
        for &k in keys.iter().step_by(2) {
            t.set_int(k, Value::Nil, &mut a).unwrap();
        }
        for (j, &k) in keys.iter().enumerate() {
            assert_eq!(t.get_int(k).is_nil(), j % 2 == 0);
        }
        let mut n = 0;
        let mut k = Value::Nil;
        while let Some((key, _)) = t.next(k).unwrap() {
            n += 1;
            k = key;
        }
        assert_eq!(n, 100);
    }

    #[test]
    fn node_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Node>(), 24);
    }

    #[test]
    fn float_hash_matches_puc() {
        // l_hashfloat(0.5) = 0 + 2^30; l_hashfloat(-0.75) = ~(0 + (u32)(-3 * 2^29)).
        assert_eq!(hash_float(0.5), 1 << 30);
        assert_eq!(hash_float(-0.75), !((-1_610_612_736i64) as u32) as u64);
        assert_eq!(hash_float(f64::INFINITY), 0);
        assert_eq!(frexp(8.0), (0.5, 4));
        assert_eq!(frexp(f64::MIN_POSITIVE / 4.0), (0.5, -1023));
    }
}
