//! Guest strings (manual §2.1, §3.4.7): immutable byte strings with a cached hash.
//!
//! Tape interns *every* string, not only short ones: equality and table lookup by string are a
//! handle compare everywhere, and tables hash string keys by handle without touching the bytes.
//! The cost is one hash per created string, which is no more than the copy that creates it.
//! The interner is a weak root: the collector removes dead strings from it while sweeping.
//! Long strings keep PUC's observable identity through a tag in their handles (`StrRef`).

use crate::arena::Arena;
use crate::value::{Handle, StrRef};

/// Strings of up to this many bytes live inside their arena slot, with no allocation of their
/// own (most strings a program makes are short: keys, numbers, words).
pub(crate) const INLINE_STR: usize = 22;

/// One string object: 32 bytes (pinned by a test) plus, for strings over `INLINE_STR` bytes,
/// their bytes in a buffer of exactly their length.
#[derive(Default)]
pub struct LuaStr {
    pub(crate) hash: u64,
    data: StrData,
}

enum StrData {
    Inline { len: u8, buf: [u8; INLINE_STR] },
    Heap(Box<[u8]>),
}

impl Default for StrData {
    fn default() -> StrData {
        StrData::Inline {
            len: 0,
            buf: [0; INLINE_STR],
        }
    }
}

impl LuaStr {
    /// A string holding a copy of `bytes`; `None` when the allocator refuses a long one.
    pub(crate) fn copy_of(bytes: &[u8], hash: u64) -> Option<LuaStr> {
        if let Some(s) = LuaStr::inline(bytes, hash) {
            return Some(s);
        }
        let mut v = Vec::new();
        v.try_reserve_exact(bytes.len()).ok()?;
        v.extend_from_slice(bytes);
        Some(LuaStr {
            hash,
            data: StrData::Heap(v.into_boxed_slice()),
        })
    }

    /// A string made of a buffer the caller built (kept as it is when it is long).
    pub(crate) fn from_vec(buf: Vec<u8>, hash: u64) -> LuaStr {
        match LuaStr::inline(&buf, hash) {
            Some(s) => s,
            None => LuaStr {
                hash,
                data: StrData::Heap(buf.into_boxed_slice()),
            },
        }
    }

    fn inline(bytes: &[u8], hash: u64) -> Option<LuaStr> {
        let mut buf = [0; INLINE_STR];
        buf.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(LuaStr {
            hash,
            data: StrData::Inline {
                len: bytes.len() as u8,
                buf,
            },
        })
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match &self.data {
            StrData::Inline { len, buf } => buf.get(..*len as usize).unwrap_or_default(),
            StrData::Heap(b) => b,
        }
    }

    /// The length in bytes.
    #[inline(always)]
    pub fn len(&self) -> usize {
        match &self.data {
            StrData::Inline { len, .. } => *len as usize,
            StrData::Heap(b) => b.len(),
        }
    }
}

/// Hashes bytes (a simple multiply-rotate hash over 8-byte words; not DoS-resistant, which the
/// interner tolerates because collisions only cost probes).
pub(crate) fn hash_bytes(b: &[u8]) -> u64 {
    finish(words(start(b.len()), b))
}

const HASH_K: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
fn start(len: usize) -> u64 {
    (len as u64).wrapping_mul(HASH_K)
}

/// Folds `b` into the state: whole 8-byte words, then the zero-padded rest (so a caller
/// splitting the input must cut it at multiples of 8).
#[inline]
fn words(mut h: u64, b: &[u8]) -> u64 {
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(HASH_K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(HASH_K);
    }
    h
}

/// Spreads every bit of the state over the low bits the interner indexes with: a multiply
/// carries only upwards, so strings that differ only in their last bytes (`"a4000001"`,
/// `"a4000002"`: the high bytes of the last word) would otherwise share their low bits and
/// pile up in one run of the linear-probing index (5M such strings made and dropped: 160
/// probes a lookup before, 1–2 after).
#[inline]
fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

/// `hash_bytes` in blocks of `block` bytes (a multiple of 8), asking `stop` between blocks;
/// `None` when it said to stop. For huge strings, so an interrupt is not kept waiting.
pub(crate) fn hash_bytes_stoppable(
    b: &[u8],
    block: usize,
    mut stop: impl FnMut() -> bool,
) -> Option<u64> {
    let block = (block.max(8) / 8) * 8;
    let mut h = start(b.len());
    for c in b.chunks(block) {
        h = words(h, c);
        if stop() {
            return None;
        }
    }
    Some(finish(h))
}

const EMPTY: u32 = 0;
const TOMB: u32 = u32::MAX;

/// All strings plus the interning set.
///
/// Invariant: every live string is in `set` exactly once; `set` is open-addressed with linear
/// probing, holding `slot index + 1` (0 = empty, `u32::MAX` = deleted); its length is a power of
/// two and at most 3/4 full counting tombstones.
pub(crate) struct Strings {
    pub arena: Arena<LuaStr>,
    set: Vec<u32>,
    used: usize,
    /// The last identity tag given to a long string (see `StrRef`).
    last_tag: u16,
    /// Bytes of the largest `set` so far: what the VM has charged for it (`growth`), apart
    /// from the first 256 bytes every VM has.
    set_charged: usize,
}

impl Strings {
    pub fn new() -> Self {
        Strings {
            arena: Arena::new(),
            set: vec![EMPTY; 64],
            used: 0,
            last_tag: 0,
            set_charged: 64 * 4,
        }
    }

    /// Bytes the next `insert` adds to the memory charged for this interner: the arena's
    /// growth, and the index's when the insert rebuilds it larger than it ever was (like the
    /// arenas' buffers, what is charged for the index never shrinks).
    pub fn growth(&self) -> usize {
        let set = if (self.used + 1) * 4 > self.set.len() * 3 {
            (Strings::set_len_for(self.arena.live_count() + 1) * 4).saturating_sub(self.set_charged)
        } else {
            0
        };
        self.arena.growth() + set
    }

    /// The index length for `live` strings: a power of two, at most 3/8 full.
    fn set_len_for(live: usize) -> usize {
        let mut n = 64;
        while n * 3 < live * 4 * 2 {
            n *= 2;
        }
        n
    }

    /// A fresh identity tag for a newly created long string (never 0, which short strings
    /// have; wraps after 65535 creations, like a reused address).
    pub fn next_tag(&mut self) -> u16 {
        self.last_tag = self.last_tag.wrapping_add(1).max(1);
        self.last_tag
    }

    #[inline(always)]
    pub fn get(&self, s: StrRef) -> &LuaStr {
        self.arena.get(s.0)
    }

    /// Finds the interned string with these bytes. The string is kept (`Arena::touch`): while
    /// a cycle marks, the program may store it into an object already traversed, and while
    /// the strings are swept, it may be one found unreachable whose slot is not swept yet.
    pub fn find(&mut self, bytes: &[u8], hash: u64) -> Option<StrRef> {
        let s = self.lookup(bytes, hash)?;
        self.arena.touch(s.0);
        Some(s)
    }

    fn lookup(&self, bytes: &[u8], hash: u64) -> Option<StrRef> {
        let mask = self.set.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let e = self.set[i];
            if e == EMPTY {
                return None;
            }
            if e != TOMB {
                let h = self.handle_of(e - 1);
                let s = self.arena.get(h);
                if s.hash == hash && s.as_bytes() == bytes {
                    return Some(StrRef(h));
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn handle_of(&self, idx: u32) -> Handle {
        // The arena knows the generation; interned slots are always live.
        self.arena.live_handle(idx)
    }

    /// Adds a new string (the caller checked it is absent).
    pub fn insert(&mut self, s: LuaStr) -> Result<StrRef, ()> {
        if (self.used + 1) * 4 > self.set.len() * 3 {
            self.rehash()?;
        }
        let hash = s.hash;
        let h = self.arena.alloc(s)?;
        let mask = self.set.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let e = self.set[i];
            if e == EMPTY || e == TOMB {
                if e == EMPTY {
                    self.used += 1;
                }
                self.set[i] = h.idx + 1;
                return Ok(StrRef(h));
            }
            i = (i + 1) & mask;
        }
    }

    fn rehash(&mut self) -> Result<(), ()> {
        let n = Strings::set_len_for(self.arena.live_count() + 1);
        let mut set = Vec::new();
        set.try_reserve_exact(n).map_err(|_| ())?;
        set.resize(n, EMPTY);
        let mask = n - 1;
        for h in self.arena.live_handles() {
            let mut i = self.arena.get(h).hash as usize & mask;
            while set[i] != EMPTY {
                i = (i + 1) & mask;
            }
            set[i] = h.idx + 1;
        }
        self.used = self.arena.live_count();
        self.set = set;
        self.set_charged = self.set_charged.max(n * 4);
        Ok(())
    }

    /// Removes a dying string from the set (called by the sweep).
    fn unlink(set: &mut [u32], idx: u32, hash: u64) {
        let mask = set.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let e = set[i];
            if e == EMPTY {
                return;
            }
            if e == idx + 1 {
                set[i] = TOMB;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Frees unmarked strings and drops them from the set, all at once; returns the bytes
    /// freed.
    #[cfg(test)]
    pub fn sweep(&mut self) -> usize {
        let mut freed = 0;
        self.sweep_step(0, usize::MAX, crate::arena::SweepMode::Clear, &mut freed);
        freed
    }

    /// `Arena::sweep_step` for strings: a freed string also leaves the set; its bytes are
    /// added to `freed`.
    pub fn sweep_step(
        &mut self,
        from: u32,
        budget: usize,
        mode: crate::arena::SweepMode,
        freed: &mut usize,
    ) -> Option<u32> {
        let set = &mut self.set;
        self.arena.sweep_step(
            from,
            budget,
            mode,
            |h, s| {
                *freed += string_cost(s.len());
                Strings::unlink(set, h.idx, s.hash);
            },
            |_| {},
        )
    }
}

/// Bytes accounted for a string of `len` bytes: its arena slot, and its buffer if it has one.
pub(crate) fn string_cost(len: usize) -> usize {
    std::mem::size_of::<LuaStr>()
        + crate::arena::SLOT_META_BYTES
        + if len > INLINE_STR { len } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_differing_in_their_last_bytes_spread_over_the_low_bits() {
        // The interner indexes with the hash's low bits: 1024 names that differ only in their
        // last three digits must not share a few of them (they shared 16 of 1024 slots when
        // the finish step only folded bits 29 and up down, and lookups took 160 probes).
        let mut seen = std::collections::HashSet::new();
        for i in 0..1024 {
            seen.insert(hash_bytes(format!("a4000{i:03}").as_bytes()) & 1023);
        }
        assert!(
            seen.len() > 550,
            "{} distinct low-bit values of 1024",
            seen.len()
        );
    }

    #[test]
    fn stoppable_hash_is_the_same_hash() {
        let b: Vec<u8> = (0..100_003u32).map(|i| (i * 7 % 251) as u8).collect();
        for block in [8, 64, 1000, 4096, 1 << 20] {
            assert_eq!(
                hash_bytes_stoppable(&b, block, || false),
                Some(hash_bytes(&b))
            );
        }
        assert_eq!(hash_bytes_stoppable(&b, 64, || true), None);
    }

    #[test]
    fn index_growth_is_charged_once() {
        let mut s = Strings::new();
        let add = |s: &mut Strings, i: usize| {
            let b = format!("k{i}").into_bytes();
            let h = hash_bytes(&b);
            s.insert(LuaStr::copy_of(&b, h).unwrap()).unwrap();
        };
        for i in 0..48 {
            assert_eq!(s.growth(), s.arena.growth(), "no rebuild due at {i}");
            add(&mut s, i);
        }
        // The 49th string rebuilds the 64-slot index with 256 slots (at most 3/8 full after a
        // rebuild): 768 more bytes.
        assert_eq!(s.growth() - s.arena.growth(), 768);
        add(&mut s, 48);
        assert_eq!(s.growth(), s.arena.growth());
        // Swept and refilled to the same size: that index was paid for already.
        s.sweep();
        for i in 0..49 {
            add(&mut s, i);
        }
        assert_eq!(s.growth(), s.arena.growth());
    }

    #[test]
    fn interning_gives_one_handle_per_content() {
        let mut s = Strings::new();
        let mut handles = Vec::new();
        for i in 0..1000 {
            let b = format!("str{i}").into_bytes();
            let h = hash_bytes(&b);
            assert!(s.find(&b, h).is_none());
            handles.push(s.insert(LuaStr::copy_of(&b, h).unwrap()).unwrap());
        }
        for i in 0..1000 {
            let b = format!("str{i}").into_bytes();
            assert_eq!(s.find(&b, hash_bytes(&b)), Some(handles[i]));
        }
        let long = [b'x'; INLINE_STR + 1];
        let short = &long[..INLINE_STR];
        for b in [&long[..], short, b""] {
            let s = LuaStr::from_vec(b.to_vec(), 0);
            assert_eq!((s.as_bytes(), s.len()), (b, b.len()));
            assert_eq!(LuaStr::copy_of(b, 0).unwrap().as_bytes(), b);
        }
        assert_eq!(std::mem::size_of::<LuaStr>(), 32);
        // Sweep everything: all gone from the set.
        s.sweep();
        let b = b"str5";
        assert!(s.find(b, hash_bytes(b)).is_none());
    }
}
