//! The write buffer of a C `FILE` as glibc keeps it, so that Tape's files (standard output
//! included) hand their bytes to the OS at the same points as `lua5.4`'s: what a reader of a
//! pipe or of the file sees, and how it interleaves with unbuffered standard error, is then the
//! same. The algorithm is glibc's `_IO_new_file_xsputn`, `_IO_default_xsputn`,
//! `_IO_new_file_overflow` and `setvbuf` with a null buffer, reduced to the write side:
//! - a fully buffered stream fills its buffer, writes it when full, and writes whole blocks of a
//!   large write directly;
//! - a line-buffered stream (the default on a terminal) writes through the last newline of
//!   each write;
//! - an unbuffered stream writes each write at once.
//!
//! The buffer is allocated at the first write (or by `setvbuf("full")`), sized as glibc sizes it:
//! the descriptor's block size if below `BUFSIZ` (8192), else `BUFSIZ`; an unbuffered stream
//! gets glibc's one-byte buffer, which `setvbuf` with a null buffer never enlarges.

use std::io::Write;

/// Buffering mode set by `setvbuf`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BufMode {
    No,
    Full,
    Line,
}

/// glibc's `BUFSIZ`.
const BUFSIZ: usize = 8192;

/// The pending output of one stream.
///
/// Invariant: `buf.len() <= cap` once `cap > 0` (the buffer is allocated); `cap == 0` means no
/// buffer yet, and then `buf` is empty.
#[derive(Debug)]
pub(crate) struct CBuf {
    /// Bytes written but not yet handed to the OS (`_IO_write_base .. _IO_write_ptr`).
    buf: Vec<u8>,
    /// Size of the allocated buffer; 0 before the first allocation.
    cap: usize,
    /// The size a new buffer gets (block size of the descriptor, capped at `BUFSIZ`).
    alloc_size: usize,
    /// `_IO_CURRENTLY_PUTTING` with a write area set up.
    putting: bool,
    /// `_IO_write_end == _IO_buf_end`: bytes may be copied into the free space directly (a
    /// fully buffered stream); otherwise every byte goes through `overflow`.
    room_to_end: bool,
    pub(crate) mode: BufMode,
}

impl CBuf {
    /// A stream with no buffer yet; `alloc_size` as `buffer_size` computes it.
    pub(crate) fn new(mode: BufMode, alloc_size: usize) -> CBuf {
        CBuf {
            buf: Vec::new(),
            cap: 0,
            alloc_size: alloc_size.max(1),
            putting: false,
            room_to_end: false,
            mode,
        }
    }

    /// Bytes waiting in the buffer.
    pub(crate) fn pending(&self) -> usize {
        self.buf.len()
    }

    fn allocate(&mut self) {
        if self.cap == 0 {
            self.cap = if self.mode == BufMode::No {
                1
            } else {
                self.alloc_size
            };
        }
    }

    /// `_IO_new_do_write`: hands the buffer to the OS and resets the write area.
    fn do_write(&mut self, w: &mut dyn Write) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let r = w.write_all(&self.buf);
        self.buf.clear();
        self.room_to_end = self.mode == BufMode::Full;
        r
    }

    /// The set-up part of `_IO_new_file_overflow`: a buffer and a write area.
    fn start_putting(&mut self) {
        if !self.putting || self.cap == 0 {
            self.allocate();
            self.putting = true;
            self.room_to_end = self.mode == BufMode::Full;
        }
    }

    /// `_IO_new_file_overflow(f, EOF)`: writes out what the buffer holds.
    fn overflow_flush(&mut self, w: &mut dyn Write) -> std::io::Result<()> {
        self.start_putting();
        self.do_write(w)
    }

    /// `_IO_new_file_overflow(f, c)`: one byte through the slow path.
    fn overflow_byte(&mut self, w: &mut dyn Write, c: u8) -> std::io::Result<()> {
        self.start_putting();
        if self.buf.len() >= self.cap {
            self.do_write(w)?;
        }
        self.buf.push(c);
        if self.mode == BufMode::No || (self.mode == BufMode::Line && c == b'\n') {
            self.do_write(w)?;
        }
        Ok(())
    }

    /// Free space the fast path may fill (`_IO_write_end - _IO_write_ptr`).
    fn room(&self) -> usize {
        if self.putting && self.room_to_end {
            self.cap.saturating_sub(self.buf.len())
        } else {
            0
        }
    }

    /// `fwrite(data)`: `_IO_new_file_xsputn`.
    pub(crate) fn write(&mut self, w: &mut dyn Write, data: &[u8]) -> std::io::Result<()> {
        let n = data.len();
        if n == 0 {
            return Ok(());
        }
        let mut must_flush = false;
        let mut count = if self.mode == BufMode::Line && self.putting {
            let space = self.cap.saturating_sub(self.buf.len());
            if space >= n {
                if let Some(p) = data.iter().rposition(|&b| b == b'\n') {
                    must_flush = true;
                    p + 1
                } else {
                    space
                }
            } else {
                space
            }
        } else {
            self.room()
        };
        count = count.min(n);
        self.buf.extend_from_slice(&data[..count]);
        let mut rest = &data[count..];
        if rest.is_empty() && !must_flush {
            return Ok(());
        }
        self.overflow_flush(w)?;
        // Write a whole number of blocks directly.
        let block = self.cap;
        let direct = rest.len() - if block >= 128 { rest.len() % block } else { 0 };
        if direct > 0 {
            w.write_all(&rest[..direct])?;
            rest = &rest[direct..];
        }
        self.default_xsputn(w, rest)
    }

    /// `_IO_default_xsputn`: copies into free space, the rest byte by byte through overflow.
    fn default_xsputn(&mut self, w: &mut dyn Write, mut s: &[u8]) -> std::io::Result<()> {
        while !s.is_empty() {
            let room = self.room();
            if room > 0 {
                let k = room.min(s.len());
                self.buf.extend_from_slice(&s[..k]);
                s = &s[k..];
                continue;
            }
            self.overflow_byte(w, s[0])?;
            s = &s[1..];
        }
        Ok(())
    }

    /// `fflush`.
    pub(crate) fn flush(&mut self, w: &mut dyn Write) -> std::io::Result<()> {
        let r = self.do_write(w);
        r.and_then(|()| w.flush())
    }

    /// The stream switched to reading: the next write sets up a new write area.
    pub(crate) fn stop_putting(&mut self) {
        self.putting = false;
    }

    /// `setvbuf(f, NULL, mode, size)` as glibc does it: "no" writes out the buffer and drops
    /// to a one-byte buffer; "full" allocates a buffer if there is none; "line" only changes
    /// the mode. The size is ignored with a null buffer.
    pub(crate) fn set_mode(&mut self, w: &mut dyn Write, mode: BufMode) -> std::io::Result<()> {
        match mode {
            BufMode::No => {
                let r = self.do_write(w);
                self.mode = BufMode::No;
                self.buf.clear();
                self.cap = 1;
                self.putting = false;
                self.room_to_end = false;
                r
            }
            BufMode::Full => {
                self.mode = BufMode::Full;
                self.allocate();
                Ok(())
            }
            BufMode::Line => {
                self.mode = BufMode::Line;
                Ok(())
            }
        }
    }
}

/// The buffer size and default mode glibc gives a stream on descriptor `fd` (`_IO_file_doallocate`):
/// line buffering on a terminal, the block size when below `BUFSIZ`.
pub(crate) fn buffering_of(fd: std::os::fd::BorrowedFd<'_>) -> (BufMode, usize) {
    use std::io::IsTerminal;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let meta = fd
        .try_clone_to_owned()
        .ok()
        .and_then(|o| std::fs::File::from(o).metadata().ok());
    let Some(m) = meta else {
        return (BufMode::Full, BUFSIZ);
    };
    let size = match m.blksize() {
        b if b > 0 && (b as usize) < BUFSIZ => b as usize,
        _ => BUFSIZ,
    };
    let tty = m.file_type().is_char_device() && fd.is_terminal();
    (if tty { BufMode::Line } else { BufMode::Full }, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records each write the OS would see.
    #[derive(Default)]
    struct Log(Vec<Vec<u8>>);
    impl Write for Log {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.push(b.to_vec());
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn lens(l: &Log) -> Vec<usize> {
        l.0.iter().map(Vec::len).collect()
    }

    #[test]
    fn full_buffering_writes_whole_blocks() {
        let mut log = Log::default();
        let mut b = CBuf::new(BufMode::Full, 4096);
        b.write(&mut log, &[b'a'; 10]).unwrap();
        assert!(log.0.is_empty());
        b.write(&mut log, &[b'b'; 5000]).unwrap();
        // 4086 fill the buffer, which is written; 914 stay.
        assert_eq!(lens(&log), vec![4096]);
        b.write(&mut log, &[b'c'; 9000]).unwrap();
        // 3182 fill the buffer; of the 5818 left, one block goes directly.
        assert_eq!(lens(&log), vec![4096, 4096, 4096]);
        assert_eq!(b.pending(), 1722);
        b.flush(&mut log).unwrap();
        assert_eq!(lens(&log), vec![4096, 4096, 4096, 1722]);
    }

    #[test]
    fn first_large_write_goes_out_in_blocks() {
        let mut log = Log::default();
        let mut b = CBuf::new(BufMode::Full, 4096);
        b.write(&mut log, &[b'a'; 10000]).unwrap();
        assert_eq!(lens(&log), vec![8192]);
        assert_eq!(b.pending(), 1808);
    }

    #[test]
    fn line_buffering_writes_through_the_last_newline() {
        let mut log = Log::default();
        let mut b = CBuf::new(BufMode::Line, 1024);
        b.write(&mut log, b"ab\ncd\nef").unwrap();
        assert_eq!(log.0, vec![b"ab\n".to_vec(), b"cd\n".to_vec()]);
        b.write(&mut log, b"gh\nij").unwrap();
        assert_eq!(log.0[2], b"efgh\n".to_vec());
        b.write(&mut log, b"kl").unwrap();
        assert_eq!(log.0.len(), 3);
        b.flush(&mut log).unwrap();
        assert_eq!(log.0[3], b"ijkl".to_vec());
    }

    #[test]
    fn unbuffered_writes_each_write() {
        let mut log = Log::default();
        let mut b = CBuf::new(BufMode::No, 4096);
        b.write(&mut log, b"abc").unwrap();
        b.write(&mut log, b"d").unwrap();
        assert_eq!(log.0, vec![b"abc".to_vec(), b"d".to_vec()]);
        // A one-byte buffer stays one byte: "full" changes nothing visible.
        b.set_mode(&mut log, BufMode::Full).unwrap();
        b.write(&mut log, b"ef").unwrap();
        assert_eq!(log.0.len(), 3);
    }

    #[test]
    fn setvbuf_no_writes_out_pending_bytes() {
        let mut log = Log::default();
        let mut b = CBuf::new(BufMode::Full, 4096);
        b.write(&mut log, b"abc").unwrap();
        b.set_mode(&mut log, BufMode::No).unwrap();
        assert_eq!(log.0, vec![b"abc".to_vec()]);
        b.write(&mut log, b"x").unwrap();
        assert_eq!(log.0.len(), 2);
    }
}
