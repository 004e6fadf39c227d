//! A typed arena: objects of one kind in a `Vec`, addressed by `Handle` (slot index +
//! generation). Freed slots go on a free list and their generation is bumped, so a stale handle
//! is detected by `debug_assert` in debug builds. Mark bits for the collector live here too.

use crate::value::{Handle, GEN_MASK};

/// Per-slot bookkeeping.
#[derive(Clone, Copy, Default)]
struct SlotMeta {
    /// The slot's generation (`GEN_MASK` bits: 16, so the meta is 4 bytes).
    gen: u16,
    live: bool,
    marked: bool,
}

/// Bytes of bookkeeping each arena slot has beside its object.
pub(crate) const SLOT_META_BYTES: usize = std::mem::size_of::<SlotMeta>();

/// Mutable access to an arena's mark bits only.
pub(crate) struct Marks<'a>(&'a mut [SlotMeta]);

impl Marks<'_> {
    /// As `Arena::mark`: sets the mark bit; true if the object is newly reached.
    #[inline]
    pub fn mark(&mut self, h: Handle) -> bool {
        match self.0.get_mut(h.idx as usize) {
            Some(m) => {
                debug_assert!(
                    m.live && m.gen as u32 == h.gen & GEN_MASK,
                    "marking a stale handle"
                );
                let fresh = !m.marked;
                m.marked = true;
                fresh
            }
            None => false,
        }
    }
}

/// Bytes of buffer per arena slot: the item, its bookkeeping, its free-list entry, and its
/// share of the young list (one entry per `YOUNG_SHARE` slots).
const fn slot_bytes<T>() -> usize {
    std::mem::size_of::<T>()
        + std::mem::size_of::<SlotMeta>()
        + std::mem::size_of::<u32>()
        + std::mem::size_of::<u32>() / YOUNG_SHARE
}

/// The young list holds up to one entry per this many slots; more young objects than that
/// between two collections, and the next minor one sweeps every slot.
const YOUNG_SHARE: usize = 2;

/// How a sweep treats the objects it keeps and which slots it visits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SweepMode {
    /// The incremental collector's: every slot, survivors' marks cleared (`on_keep` called).
    Clear,
    /// The generational collector's major (or first) sweep: every slot, survivors stay marked
    /// (old).
    Sticky,
    /// The generational collector's minor sweep: the young list's slots only, survivors stay
    /// marked. Only when `Arena::young_complete`.
    Young,
}

/// Slots added when an arena first grows.
const MIN_GROWTH: usize = 16;

/// Invariant: `items.len() == meta.len()`; a slot is on `free` iff `!meta.live`; a free slot
/// holds `T::default()` (so it owns no payload).
pub(crate) struct Arena<T> {
    items: Vec<T>,
    meta: Vec<SlotMeta>,
    free: Vec<u32>,
    live_count: usize,
    /// Objects allocated at or above this slot index are born marked: 0 while a collection
    /// cycle marks (new objects survive the cycle), the sweep position while this arena is
    /// being swept (a slot the sweep has not reached yet would otherwise be freed), and
    /// `u32::MAX` otherwise (between cycles, and once this arena's sweep is done).
    born_marked_from: u32,
    /// Slots allocated unmarked since the last sweep (generational mode). Its capacity is
    /// reserved with the slot buffers, so an allocation never grows it.
    young: Vec<u32>,
    /// Whether `young` lists every live unmarked slot: set by a sticky sweep of the whole
    /// arena (after which every live object is marked), and kept while each allocation
    /// born unmarked finds room in the list; cleared by a full list, a sweep that clears
    /// marks, and `clear_marks`.
    young_complete: bool,
}

/// A sweep's freeing of the live slot `idx`: `on_free` sees the object, which then leaves
/// the slot; the slot's generation moves on and it goes on the free list.
#[inline(always)]
fn free_slot<T: Default>(
    idx: u32,
    m: &mut SlotMeta,
    item: &mut T,
    free: &mut Vec<u32>,
    on_free: &mut impl FnMut(Handle, &mut T),
) {
    on_free(
        Handle {
            idx,
            gen: m.gen as u32,
        },
        item,
    );
    *item = T::default();
    m.live = false;
    m.gen = m.gen.wrapping_add(1);
    free.push(idx);
}

impl<T: Default> Arena<T> {
    pub fn new() -> Self {
        Arena {
            items: Vec::new(),
            meta: Vec::new(),
            free: Vec::new(),
            live_count: 0,
            born_marked_from: u32::MAX,
            young: Vec::new(),
            young_complete: false,
        }
    }

    /// Sets where new objects start being born marked (see `born_marked_from`).
    #[inline]
    pub fn set_born_marked_from(&mut self, idx: u32) {
        self.born_marked_from = idx;
    }

    /// Keeps an object the program has just found again by other means than a reference
    /// (the string interner): while a cycle marks, and for a slot the sweep has not reached
    /// yet, it is marked, as if it had just been born.
    #[inline]
    pub fn touch(&mut self, h: Handle) {
        if h.idx >= self.born_marked_from {
            if let Some(m) = self.meta.get_mut(h.idx as usize) {
                m.marked = true;
            }
        }
    }

    /// Bytes the next `alloc` adds to the arena's buffers: zero when a slot is free or
    /// capacity is spare, else the doubling (which the memory cap must cover, with the old
    /// buffers alive beside the new ones while they are copied).
    #[inline]
    pub fn growth(&self) -> usize {
        if !self.free.is_empty() || self.items.len() < self.items.capacity() {
            return 0;
        }
        self.items.capacity().max(MIN_GROWTH) * slot_bytes::<T>()
    }

    /// Doubles the slot buffers by hand, so that `growth` knows the bytes in advance.
    #[cold]
    #[inline(never)]
    fn grow(&mut self) -> Result<(), ()> {
        if self.items.len() == self.items.capacity() {
            let add = self.items.capacity().max(MIN_GROWTH);
            self.items.try_reserve_exact(add).map_err(|_| ())?;
        }
        if self.meta.len() == self.meta.capacity() {
            let add = self.meta.capacity().max(MIN_GROWTH);
            self.meta.try_reserve_exact(add).map_err(|_| ())?;
        }
        // The free list can hold every slot: a sweep never grows it (growing a buffer of
        // millions of entries in the middle of a collector step would stall that step).
        let want = self.items.capacity();
        if self.free.capacity() < want {
            self.free
                .try_reserve_exact(want - self.free.len())
                .map_err(|_| ())?;
        }
        let want = want / YOUNG_SHARE;
        if self.young.capacity() < want {
            self.young
                .try_reserve_exact(want - self.young.len())
                .map_err(|_| ())?;
        }
        Ok(())
    }

    /// Bytes of the slot buffers (items, bookkeeping and the free list).
    pub fn capacity_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>()
            + self.meta.capacity() * std::mem::size_of::<SlotMeta>()
            + self.free.capacity() * std::mem::size_of::<u32>()
            + self.young.capacity() * std::mem::size_of::<u32>()
    }

    /// Whether a minor sweep may visit the young list alone (see `young_complete`).
    #[cfg(test)]
    pub fn young_complete(&self) -> bool {
        self.young_complete
    }

    /// Notes that slot `idx` was just allocated unmarked.
    #[inline(always)]
    fn note_young(&mut self, idx: u32) {
        if self.young_complete {
            if self.young.len() < self.young.capacity() {
                self.young.push(idx);
            } else {
                self.young_complete = false;
            }
        }
    }

    /// Stores `item` and returns its handle. Fails only when the arena cannot grow.
    pub fn alloc(&mut self, item: T) -> Result<Handle, ()> {
        self.live_count += 1;
        if let Some(idx) = self.free.pop() {
            let i = idx as usize;
            self.items[i] = item;
            let m = &mut self.meta[i];
            m.live = true;
            m.marked = idx >= self.born_marked_from;
            let (gen, marked) = (m.gen as u32, m.marked);
            if !marked {
                self.note_young(idx);
            }
            return Ok(Handle { idx, gen });
        }
        let idx = u32::try_from(self.items.len()).map_err(|_| ())?;
        if idx == u32::MAX {
            return Err(());
        }
        if self.items.len() == self.items.capacity() || self.meta.len() == self.meta.capacity() {
            self.grow()?;
        }
        self.items.push(item);
        let marked = idx >= self.born_marked_from;
        self.meta.push(SlotMeta {
            gen: 0,
            live: true,
            marked,
        });
        if !marked {
            self.note_young(idx);
        }
        Ok(Handle { idx, gen: 0 })
    }

    #[inline(always)]
    pub fn get(&self, h: Handle) -> &T {
        debug_assert!(
            self.meta[h.idx as usize].live
                && self.meta[h.idx as usize].gen as u32 == h.gen & GEN_MASK,
            "stale handle"
        );
        &self.items[h.idx as usize]
    }

    /// The object in slot `idx`: for links kept as bare slot indices (a table's metatable),
    /// whose targets the collector keeps alive through their holders.
    #[inline(always)]
    pub fn get_idx(&self, idx: u32) -> &T {
        debug_assert!(self.meta[idx as usize].live, "stale slot index");
        &self.items[idx as usize]
    }

    /// Like `get`, but `None` for an index past the arena (no liveness check).
    #[inline(always)]
    pub fn try_get(&self, h: Handle) -> Option<&T> {
        self.items.get(h.idx as usize)
    }

    /// The live object `h` names, or `None` (past the arena, freed, or another generation):
    /// for handles that come from the host, which may be stale or from another VM.
    pub fn get_live_mut(&mut self, h: Handle) -> Option<&mut T> {
        let m = self.meta.get(h.idx as usize)?;
        if !m.live || m.gen as u32 != h.gen & GEN_MASK {
            return None;
        }
        self.items.get_mut(h.idx as usize)
    }

    #[inline(always)]
    pub fn get_mut(&mut self, h: Handle) -> &mut T {
        debug_assert!(
            self.meta[h.idx as usize].live
                && self.meta[h.idx as usize].gen as u32 == h.gen & GEN_MASK,
            "stale handle"
        );
        &mut self.items[h.idx as usize]
    }

    /// Sets the mark bit; returns true if it was clear (the object is newly reached).
    #[inline]
    pub fn mark(&mut self, h: Handle) -> bool {
        let m = &mut self.meta[h.idx as usize];
        debug_assert!(
            m.live && m.gen as u32 == h.gen & GEN_MASK,
            "marking a stale handle"
        );
        let fresh = !m.marked;
        m.marked = true;
        fresh
    }

    /// The mark bits alone, borrowed apart from the items (see `items_and_marks`).
    #[inline]
    pub fn marks(&mut self) -> Marks<'_> {
        Marks(&mut self.meta)
    }

    /// The items and the mark bits borrowed apart, so the collector can read one object of
    /// this arena while it marks the others it refers to.
    #[inline]
    pub fn items_and_marks(&mut self) -> (&[T], Marks<'_>) {
        (&self.items, Marks(&mut self.meta))
    }

    /// Frees every live unmarked slot (calling `on_free` with its handle and item first) and
    /// clears the marks of the survivors, in one go.
    #[cfg(test)]
    pub fn sweep(&mut self, on_free: impl FnMut(Handle, &mut T)) {
        self.sweep_step(0, usize::MAX, SweepMode::Clear, on_free, |_| {});
    }

    /// Sweeps the slots from `from` on, at most `budget` of them: frees the live unmarked ones
    /// (calling `on_free` first) and clears the marks of the survivors (calling `on_keep`),
    /// unless the mode is sticky (the generational collector: survivors stay marked, old, and
    /// `on_keep` is not called). Returns where the next step starts, or `None` when the arena
    /// is done. New objects born at or above the returned position are born marked
    /// (`born_marked_from`). `SweepMode::Young` visits the young list's slots at once (it
    /// must be complete) and ignores `from` and `budget`.
    pub fn sweep_step(
        &mut self,
        from: u32,
        budget: usize,
        mode: SweepMode,
        mut on_free: impl FnMut(Handle, &mut T),
        mut on_keep: impl FnMut(&mut T),
    ) -> Option<u32> {
        if mode == SweepMode::Young && self.young_complete {
            self.sweep_young(on_free);
            return None;
        }
        let sticky = mode != SweepMode::Clear;
        if !sticky {
            // Survivors lose their marks: the list no longer names every unmarked object.
            self.young_complete = false;
        }
        let start = from.min(self.meta.len() as u32) as usize;
        let end = start.saturating_add(budget).min(self.meta.len());
        // The loop walks the slots' bookkeeping alone and reaches an object only to keep or
        // free it: most slots of a generational sweep are old, and are skipped by one test.
        let items = &mut self.items[start..end];
        for (k, m) in self.meta[start..end].iter_mut().enumerate() {
            if !m.live || (m.marked && sticky) {
                continue;
            }
            let Some(item) = items.get_mut(k) else {
                continue;
            };
            if m.marked {
                m.marked = false;
                on_keep(item);
                continue;
            }
            let idx = (start + k) as u32;
            free_slot(idx, m, item, &mut self.free, &mut on_free);
            self.live_count -= 1;
        }
        if end >= self.meta.len() {
            self.born_marked_from = u32::MAX;
            if sticky && start == 0 {
                // Every live object is marked now: the next young one starts the list.
                self.young.clear();
                self.young_complete = true;
            }
            None
        } else {
            self.born_marked_from = end as u32;
            Some(end as u32)
        }
    }

    /// The minor sweep: frees the young list's slots whose objects were not marked (the only
    /// unmarked live objects, as the list is complete), leaves the marked ones marked (old),
    /// and empties the list.
    fn sweep_young(&mut self, mut on_free: impl FnMut(Handle, &mut T)) {
        for &idx in &self.young {
            let i = idx as usize;
            let (Some(m), Some(item)) = (self.meta.get_mut(i), self.items.get_mut(i)) else {
                continue;
            };
            if !m.live || m.marked {
                continue;
            }
            free_slot(idx, m, item, &mut self.free, &mut on_free);
            self.live_count -= 1;
        }
        self.young.clear();
        self.born_marked_from = u32::MAX;
    }

    /// Clears every mark bit, calling `on_marked` for each object that had one (leaving the
    /// generational mode, or before its major collection: every object young again).
    pub fn clear_marks(&mut self, mut on_marked: impl FnMut(&mut T)) {
        self.young_complete = false;
        self.young.clear();
        for (m, item) in self.meta.iter_mut().zip(self.items.iter_mut()) {
            if m.marked {
                m.marked = false;
                on_marked(item);
            }
        }
    }

    /// Number of slots (live or free).
    pub fn slot_count(&self) -> usize {
        self.meta.len()
    }

    /// Whether a live object's mark bit is set (weak tables ask this during a cycle).
    #[inline]
    pub fn is_marked(&self, h: Handle) -> bool {
        self.meta.get(h.idx as usize).is_some_and(|m| m.marked)
    }

    pub fn live_count(&self) -> usize {
        self.live_count
    }

    /// Handles of all live objects.
    pub fn live_handles(&self) -> impl Iterator<Item = Handle> + '_ {
        self.meta
            .iter()
            .enumerate()
            .filter(|(_, m)| m.live)
            .map(|(i, m)| Handle {
                idx: i as u32,
                gen: m.gen as u32,
            })
    }
}

impl<T: Default> Arena<T> {
    /// The current handle of a live slot (used by the interner, which stores bare indices).
    pub fn live_handle(&self, idx: u32) -> Handle {
        Handle {
            idx,
            gen: self.meta[idx as usize].gen as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_meta_is_4_bytes() {
        assert_eq!(std::mem::size_of::<SlotMeta>(), 4);
    }

    #[test]
    fn live_lookup_refuses_stale_and_foreign_handles() {
        let mut a: Arena<u32> = Arena::new();
        let h = a.alloc(7).unwrap();
        assert_eq!(a.get_live_mut(h).copied(), Some(7));
        // Freed (unmarked at a sweep): the old handle names nothing.
        a.sweep(|_, _| {});
        assert!(a.get_live_mut(h).is_none());
        // The slot reused by another object: the old handle still names nothing.
        let h2 = a.alloc(9).unwrap();
        assert_eq!(h2.idx, h.idx);
        assert!(a.get_live_mut(h).is_none());
        assert_eq!(a.get_live_mut(h2).copied(), Some(9));
        // An index past the arena (a handle from a bigger VM).
        let far = Handle { idx: 1000, gen: 0 };
        assert!(a.get_live_mut(far).is_none());
    }

    /// Sweeps in `mode` and returns the items freed, sorted.
    fn sweep_in(a: &mut Arena<u32>, mode: SweepMode) -> Vec<u32> {
        let mut freed = Vec::new();
        assert!(a
            .sweep_step(0, usize::MAX, mode, |_, v| freed.push(*v), |_| {})
            .is_none());
        freed.sort();
        freed
    }

    #[test]
    fn a_minor_sweep_visits_the_young_list_and_frees_what_a_full_one_would() {
        let mut a: Arena<u32> = Arena::new();
        let old: Vec<Handle> = (0..10).map(|i| a.alloc(i).unwrap()).collect();
        for h in &old[..6] {
            a.mark(*h);
        }
        // No list yet: the first sticky sweep visits every slot and starts one.
        assert!(!a.young_complete());
        assert_eq!(sweep_in(&mut a, SweepMode::Sticky), [6, 7, 8, 9]);
        assert!(a.young_complete());
        // Young objects, some in slots just freed: the unmarked ones go, the marked ones
        // and the old ones stay (and stay marked: a second minor sweep frees nothing).
        let young: Vec<Handle> = (100..106).map(|i| a.alloc(i).unwrap()).collect();
        a.mark(young[1]);
        a.mark(young[4]);
        assert_eq!(sweep_in(&mut a, SweepMode::Young), [100, 102, 103, 105]);
        assert!(a.young_complete());
        assert_eq!(sweep_in(&mut a, SweepMode::Young), Vec::<u32>::new());
        assert_eq!(a.live_count(), 8);
        assert_eq!(a.get_live_mut(young[4]).copied(), Some(104));
        // Clearing the marks makes everything young again, unlisted: a minor sweep then
        // visits every slot, as a sticky one.
        a.clear_marks(|_| {});
        assert!(!a.young_complete());
        a.mark(old[0]);
        let freed = sweep_in(&mut a, SweepMode::Young);
        assert_eq!(freed, [1, 2, 3, 4, 5, 101, 104]);
        assert!(a.young_complete());
        // A sweep that clears marks leaves survivors unmarked and unlisted.
        assert_eq!(sweep_in(&mut a, SweepMode::Clear), Vec::<u32>::new());
        assert!(!a.young_complete());
        assert_eq!(sweep_in(&mut a, SweepMode::Young), [0]);
    }

    #[test]
    fn a_full_young_list_makes_the_next_minor_sweep_visit_every_slot() {
        let mut a: Arena<u32> = Arena::new();
        let first = a.alloc(0).unwrap();
        a.mark(first);
        sweep_in(&mut a, SweepMode::Sticky);
        assert!(a.young_complete());
        // More young objects than the list has room for (it never grows on its own).
        let room = a.young.capacity();
        for i in 1..=(room as u32 + 1) {
            a.alloc(i).unwrap();
        }
        assert!(!a.young_complete());
        let freed = sweep_in(&mut a, SweepMode::Young);
        assert_eq!(freed, (1..=(room as u32 + 1)).collect::<Vec<_>>());
        assert_eq!(a.live_count(), 1);
        assert!(a.young_complete());
    }
}
