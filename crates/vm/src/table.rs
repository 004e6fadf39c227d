//! Tables (manual §2.1, §3.4.7 for `#`, §6.1 for `next`): an array part plus a hash part.
//!
//! The array part `arr` holds keys `1..=arr.len()` (slots may be nil). The hash part `nodes` is
//! open-addressed with linear probing; its length is zero or a power of two. A node whose key is
//! nil is empty; a node whose key is set but whose value is nil is *dead*: it stays in place
//! (so probe chains and `next` keep working when a field is cleared during traversal) until the
//! next rehash drops it. New keys never reuse dead nodes, so `next` is stable when existing
//! fields are assigned or cleared; inserting new keys during traversal may rehash (undefined in
//! the manual too). When the hash part is full, `rehash` recomputes the sizes like PUC: the array
//! part gets the largest power of two `n` such that more than `n/2` of the keys `1..=n` are
//! present, the rest goes to the hash part. Appending `t[#t+1] = v` pushes onto `arr` directly
//! (amortised O(1)).
//!
//! Keys are normalised before they get here: floats with an integral value become integers; nil
//! and NaN keys are rejected by the VM with `table index is nil/NaN`. Strings are interned, so
//! every key is hashed and compared by its bits/handle without dereferencing anything.
//!
//! All stores go through `Table::set`/`set_int`/`set_str` (the future write barrier's place).

use crate::heap::Alloc;
use crate::value::{float_to_int_exact, StrRef, TableRef, Value};

#[derive(Clone, Copy, Default)]
pub(crate) struct Node {
    key: Value,
    val: Value,
}

/// A Lua table. See the module comment for the invariants.
#[derive(Default)]
pub struct Table {
    pub(crate) arr: Vec<Value>,
    nodes: Vec<Node>,
    /// Nodes with a non-nil key (live or dead).
    node_used: usize,
    pub(crate) meta: Option<TableRef>,
    /// Cache of metamethods known to be absent when this table is used as a metatable: bit `i`
    /// set means event `i` (see `meta::Tm`) is absent. Cleared by every store.
    pub(crate) absent: u32,
    /// Weak mode flags (`__mode`), kept for the weak-table collector to come.
    pub(crate) weak: u8,
    /// Bytes currently accounted for this table's parts.
    pub(crate) mem: usize,
}

const NODE_SIZE: usize = std::mem::size_of::<Node>();
const VAL_SIZE: usize = std::mem::size_of::<Value>();
/// Bytes accounted for an empty table object.
pub(crate) const TABLE_BASE_COST: usize = 96;

#[inline(always)]
fn mix(x: u64) -> u64 {
    let x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 31)
}

#[inline(always)]
fn key_hash(k: Value) -> u64 {
    match k {
        Value::Int(i) => mix(i as u64),
        Value::Float(f) => mix(f.to_bits()),
        Value::Bool(b) => mix(b as u64 + 1),
        Value::Str(s) => mix(s.0.idx as u64 | 1 << 40),
        Value::Table(s) => mix(s.0.idx as u64 | 2 << 40),
        Value::LuaFn(s) => mix(s.0.idx as u64 | 3 << 40),
        Value::Native(s) => mix(s.0.idx as u64 | 4 << 40),
        Value::Userdata(s) => mix(s.0.idx as u64 | 5 << 40),
        Value::Thread(s) => mix(s.0.idx as u64 | 6 << 40),
        Value::LightUserdata(p) => mix(p ^ (7 << 56)),
        Value::Nil => 0,
    }
}

/// Exact key identity (keys are normalised, so no int/float cross-compare is needed).
#[inline(always)]
fn key_eq(a: Value, b: Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Table(x), Value::Table(y)) => x == y,
        (Value::LuaFn(x), Value::LuaFn(y)) => x == y,
        (Value::Native(x), Value::Native(y)) => x == y,
        (Value::Userdata(x), Value::Userdata(y)) => x == y,
        (Value::Thread(x), Value::Thread(y)) => x == y,
        (Value::LightUserdata(x), Value::LightUserdata(y)) => x == y,
        _ => false,
    }
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

/// Why a store failed: the memory cap (the VM turns it into `not enough memory`).
#[derive(Debug)]
pub struct OutOfMemory;

impl Table {
    /// Creates a table with room for `narr` array items and `nhash` hash items.
    pub(crate) fn with_capacity(
        narr: usize,
        nhash: usize,
        alloc: &mut Alloc,
    ) -> Result<Table, OutOfMemory> {
        let mut t = Table::default();
        if narr > 0 {
            alloc.charge(narr * VAL_SIZE)?;
            t.arr.try_reserve_exact(narr).map_err(|_| OutOfMemory)?;
            t.arr.resize(narr, Value::Nil);
            t.mem += narr * VAL_SIZE;
        }
        if nhash > 0 {
            let n = (nhash * 4 / 3 + 1).next_power_of_two();
            t.resize_nodes(n, alloc)?;
        }
        Ok(t)
    }

    fn resize_nodes(&mut self, n: usize, alloc: &mut Alloc) -> Result<Vec<Node>, OutOfMemory> {
        alloc.charge(n * NODE_SIZE)?;
        let mut nodes = Vec::new();
        if nodes.try_reserve_exact(n).is_err() {
            alloc.release(n * NODE_SIZE);
            return Err(OutOfMemory);
        }
        nodes.resize(n, Node::default());
        alloc.release(self.nodes.len() * NODE_SIZE);
        self.mem = self.mem + n * NODE_SIZE - self.nodes.len() * NODE_SIZE;
        self.node_used = 0;
        Ok(std::mem::replace(&mut self.nodes, nodes))
    }

    #[inline]
    fn find_node(&self, k: Value) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mask = self.nodes.len() - 1;
        let mut i = key_hash(k) as usize & mask;
        loop {
            let n = &self.nodes[i];
            if key_eq(n.key, k) {
                return Some(i);
            }
            if n.key.is_nil() {
                return None;
            }
            i = (i + 1) & mask;
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
            Some(i) => self.nodes[i].val,
            None => Value::Nil,
        }
    }

    /// Raw get with an integer key.
    #[inline(always)]
    pub fn get_int(&self, i: i64) -> Value {
        let u = (i as u64).wrapping_sub(1);
        if u < self.arr.len() as u64 {
            return self.arr[u as usize];
        }
        self.get_node(Value::Int(i))
    }

    /// Raw get with a string key.
    #[inline(always)]
    pub fn get_str(&self, s: StrRef) -> Value {
        // Specialised probe: the key's hash comes from its handle and a node matches by one
        // tag-and-handle compare, so no general `key_eq` dispatch per probe.
        let mask = self.nodes.len().wrapping_sub(1);
        let mut i = key_hash(Value::Str(s)) as usize & mask;
        loop {
            let Some(n) = self.nodes.get(i) else {
                return Value::Nil;
            };
            match n.key {
                Value::Str(x) if x == s => return n.val,
                Value::Nil => return Value::Nil,
                _ => {}
            }
            i = (i + 1) & mask;
        }
    }

    /// Raw set. `k` must not be nil or NaN (checked by the caller); floats are normalised here.
    pub(crate) fn set(&mut self, k: Value, v: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        match normalize_key(k) {
            Value::Int(i) => self.set_int(i, v, alloc),
            k => self.set_node(k, v, alloc),
        }
    }

    /// Raw set with an integer key.
    #[inline]
    pub(crate) fn set_int(
        &mut self,
        i: i64,
        v: Value,
        alloc: &mut Alloc,
    ) -> Result<(), OutOfMemory> {
        self.absent = 0;
        let u = (i as u64).wrapping_sub(1);
        let len = self.arr.len();
        if u < len as u64 {
            self.arr[u as usize] = v;
            return Ok(());
        }
        if let Some(n) = self.find_node(Value::Int(i)) {
            self.nodes[n].val = v;
            return Ok(());
        }
        if v.is_nil() {
            return Ok(());
        }
        if u == len as u64 {
            if self.arr.len() == self.arr.capacity() {
                let extra = len.max(4);
                alloc.charge(extra * VAL_SIZE)?;
                if self.arr.try_reserve_exact(extra).is_err() {
                    alloc.release(extra * VAL_SIZE);
                    return Err(OutOfMemory);
                }
                self.mem += extra * VAL_SIZE;
            }
            self.arr.push(v);
            return Ok(());
        }
        self.insert_new(Value::Int(i), v, alloc)
    }

    /// Raw set with a string key.
    #[inline]
    pub(crate) fn set_str(
        &mut self,
        s: StrRef,
        v: Value,
        alloc: &mut Alloc,
    ) -> Result<(), OutOfMemory> {
        // Same specialised probe as `get_str`; a new key takes the general insertion path.
        let mask = self.nodes.len().wrapping_sub(1);
        let mut i = key_hash(Value::Str(s)) as usize & mask;
        while let Some(n) = self.nodes.get_mut(i) {
            match n.key {
                Value::Str(x) if x == s => {
                    n.val = v;
                    self.absent = 0;
                    return Ok(());
                }
                Value::Nil => break,
                _ => {}
            }
            i = (i + 1) & mask;
        }
        self.set_node(Value::Str(s), v, alloc)
    }

    fn set_node(&mut self, k: Value, v: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        self.absent = 0;
        if let Some(n) = self.find_node(k) {
            self.nodes[n].val = v;
            return Ok(());
        }
        if v.is_nil() {
            return Ok(());
        }
        self.insert_new(k, v, alloc)
    }

    /// Inserts a key known to be absent, rehashing first if the hash part is full.
    fn insert_new(&mut self, k: Value, v: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        if (self.node_used + 1) * 4 > self.nodes.len() * 3 {
            self.rehash(k, alloc)?;
            // The key may now belong to the array part.
            if let Value::Int(i) = k {
                let u = (i as u64).wrapping_sub(1);
                if u < self.arr.len() as u64 {
                    self.arr[u as usize] = v;
                    return Ok(());
                }
            }
        }
        self.put_node(k, v);
        Ok(())
    }

    /// Places a key in the first empty node of its probe chain (room is guaranteed).
    fn put_node(&mut self, k: Value, v: Value) {
        let mask = self.nodes.len() - 1;
        let mut i = key_hash(k) as usize & mask;
        while !self.nodes[i].key.is_nil() {
            i = (i + 1) & mask;
        }
        self.nodes[i] = Node { key: k, val: v };
        self.node_used += 1;
    }

    /// Grows the array part to at least `n` slots (nil-padded), moving any integer keys in
    /// the new range out of the hash part, as PUC's SETLIST does before storing a constructor's
    /// items: a constructor's items then all sit in the array part, and `#` of
    /// `{1, nil, 3}` is 3 as in lua5.4.
    pub(crate) fn ensure_array(&mut self, n: usize, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        let old = self.arr.len();
        if n <= old {
            return Ok(());
        }
        let add = n - self.arr.capacity().min(n);
        if add > 0 {
            alloc.charge(add * VAL_SIZE)?;
            if self.arr.try_reserve_exact(n - old).is_err() {
                alloc.release(add * VAL_SIZE);
                return Err(OutOfMemory);
            }
            self.mem += add * VAL_SIZE;
        }
        self.arr.resize(n, Value::Nil);
        if self.node_used > 0 {
            for node in &mut self.nodes {
                if let Value::Int(i) = node.key {
                    let u = (i as u64).wrapping_sub(1);
                    if u >= old as u64 && u < n as u64 && !node.val.is_nil() {
                        // The node stays behind dead (nil value), like a cleared field.
                        self.arr[u as usize] = std::mem::replace(&mut node.val, Value::Nil);
                    }
                }
            }
        }
        Ok(())
    }

    /// Recomputes the array and hash sizes for the live keys plus `extra`, and moves entries.
    fn rehash(&mut self, extra: Value, alloc: &mut Alloc) -> Result<(), OutOfMemory> {
        // nums[b] counts integer keys k with 2^(b-1) < k <= 2^b (nums[0] counts k == 1).
        let mut nums = [0usize; 65];
        let mut total_int = 0usize;
        let mut total = 0usize;
        let count_int = |k: i64, nums: &mut [usize; 65]| {
            if k >= 1 {
                let b = 64 - ((k - 1) as u64).leading_zeros() as usize;
                nums[b] += 1;
                return true;
            }
            false
        };
        for (i, v) in self.arr.iter().enumerate() {
            if !v.is_nil() {
                count_int(i as i64 + 1, &mut nums);
                total_int += 1;
                total += 1;
            }
        }
        for n in &self.nodes {
            if !n.val.is_nil() {
                total += 1;
                if let Value::Int(k) = n.key {
                    if count_int(k, &mut nums) {
                        total_int += 1;
                    }
                }
            }
        }
        total += 1;
        if let Value::Int(k) = extra {
            if count_int(k, &mut nums) {
                total_int += 1;
            }
        }
        // Largest power of two n with more than n/2 of 1..=n present.
        let mut acc = 0usize;
        let mut arr_size = 0usize;
        let mut arr_count = 0usize;
        for (b, &c) in nums.iter().enumerate() {
            let two_b = 1usize.checked_shl(b as u32).unwrap_or(usize::MAX);
            if two_b / 2 >= total_int {
                break;
            }
            acc += c;
            if acc > two_b / 2 {
                arr_size = two_b;
                arr_count = acc;
            }
        }
        // Keep the existing array part if it is larger and still dense enough (cheap appends).
        let hash_count = total - arr_count;
        let new_nodes = if hash_count == 0 {
            0
        } else {
            (hash_count * 4 / 3 + 1).next_power_of_two().max(4)
        };
        // Resize the array part.
        let mut moved: Vec<Node> = Vec::new();
        if arr_size < self.arr.len() {
            for (i, v) in self.arr.iter().enumerate().skip(arr_size) {
                if !v.is_nil() {
                    moved.push(Node {
                        key: Value::Int(i as i64 + 1),
                        val: *v,
                    });
                }
            }
            self.arr.truncate(arr_size);
        } else if arr_size > self.arr.len() {
            let add = arr_size - self.arr.capacity().min(arr_size);
            if add > 0 {
                alloc.charge(add * VAL_SIZE)?;
                if self
                    .arr
                    .try_reserve_exact(arr_size - self.arr.len())
                    .is_err()
                {
                    alloc.release(add * VAL_SIZE);
                    return Err(OutOfMemory);
                }
                self.mem += add * VAL_SIZE;
            }
            self.arr.resize(arr_size, Value::Nil);
        }
        let old = self.resize_nodes(new_nodes, alloc)?;
        for n in old.into_iter().chain(moved) {
            if n.val.is_nil() {
                continue;
            }
            if let Value::Int(i) = n.key {
                let u = (i as u64).wrapping_sub(1);
                if u < self.arr.len() as u64 {
                    self.arr[u as usize] = n.val;
                    continue;
                }
            }
            self.put_node(n.key, n.val);
        }
        Ok(())
    }

    /// A border (manual §3.4.7), found like PUC: binary search in the array part when its last
    /// slot is nil, otherwise an unbounded search into the hash part.
    pub fn len(&self) -> i64 {
        let n = self.arr.len();
        if n > 0 && self.arr[n - 1].is_nil() {
            let (mut lo, mut hi) = (0usize, n);
            while hi - lo > 1 {
                let m = (lo + hi) / 2;
                if self.arr[m - 1].is_nil() {
                    hi = m;
                } else {
                    lo = m;
                }
            }
            return lo as i64;
        }
        if self.nodes.is_empty() || self.get_node(Value::Int(n as i64 + 1)).is_nil() {
            return n as i64;
        }
        let mut i = n as u64 + 1;
        let mut j = i * 2;
        loop {
            if j > i64::MAX as u64 / 2 {
                // Pathological: linear search.
                let mut k = 1i64;
                while !self.get_int(k).is_nil() {
                    k += 1;
                }
                return k - 1;
            }
            if self.get_int(j as i64).is_nil() {
                break;
            }
            i = j;
            j *= 2;
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
        let mut start = 0usize; // position in the combined array+node order
        match normalize_key(key) {
            Value::Nil => {}
            Value::Int(i) if i >= 1 && (i as u64) <= self.arr.len() as u64 => start = i as usize,
            k => match self.find_node(k) {
                Some(n) => start = self.arr.len() + n + 1,
                None => return Err(()),
            },
        }
        let alen = self.arr.len();
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
            if !node.val.is_nil() {
                return Ok(Some((node.key, node.val)));
            }
            n += 1;
        }
        Ok(None)
    }

    /// Visits every live entry (for the collector).
    #[inline]
    pub(crate) fn for_each_entry(&self, mut f: impl FnMut(Value, Value)) {
        for v in &self.arr {
            if !v.is_nil() {
                f(Value::Nil, *v);
            }
        }
        for n in &self.nodes {
            if !n.val.is_nil() {
                f(n.key, n.val);
            }
        }
    }

    pub fn metatable(&self) -> Option<TableRef> {
        self.meta
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
        assert_eq!(t.arr.len(), 100);
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
        assert!(t.arr.len() >= 32);
    }
}
