//! One open file of the io library: an OS file or a standard stream with Tape's own read and
//! write buffers, so reading can peek a byte (the `n` format, `l`/`L` lines) and the position
//! reported by `seek` accounts for buffered data.
//!
//! Invariant: `rpos <= rbuf.len()`; at most one of `rbuf[rpos..]` (unread input) and `wbuf`
//! (unwritten output) is non-empty, because switching direction drains the other buffer.

use super::cbuf::{buffering_of, BufMode, CBuf};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsFd;

/// A `File` over a duplicate of a standard descriptor (same open file, same offset).
fn std_file(fd: std::os::fd::BorrowedFd<'_>) -> std::io::Result<std::fs::File> {
    Ok(std::fs::File::from(fd.try_clone_to_owned()?))
}

/// Where the bytes go.
pub(crate) enum Target {
    Stdin,
    /// Standard output: the bytes go to the VM's output sink (shared with `print`), so the
    /// stream keeps no buffer of its own.
    Stdout,
    Stderr,
    File(std::fs::File),
    /// A child process of `io.popen`: its standard output when reading, its standard input
    /// when writing.
    Pipe(std::process::Child),
}

pub(crate) struct Stream {
    pub(crate) target: Target,
    rbuf: Vec<u8>,
    rpos: usize,
    /// Output not yet handed to the OS, buffered as C's stdio does.
    pub(crate) wbuf: CBuf,
    /// False for a file opened for reading only: writes then fail at once, as C's `fwrite` does.
    pub(crate) writable: bool,
}

const CHUNK: usize = 16 * 1024;

impl Stream {
    pub(crate) fn new(target: Target) -> Stream {
        let (mode, size) = match &target {
            Target::File(f) => buffering_of(f.as_fd()),
            Target::Pipe(c) => match c.stdin.as_ref() {
                Some(i) => buffering_of(i.as_fd()),
                None => (BufMode::Full, 8192),
            },
            // Standard error is unbuffered, as in C.
            Target::Stderr => (BufMode::No, buffering_of(std::io::stderr().as_fd()).1),
            // Standard output is buffered by the VM's sink (`StdoutSink`), stdin never written.
            Target::Stdin | Target::Stdout => (BufMode::Full, 8192),
        };
        Stream {
            target,
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: CBuf::new(mode, size),
            writable: true,
        }
    }

    /// Starts `/bin/sh -c cmd` with a pipe from its standard output (`reading`) or to its
    /// standard input.
    pub(crate) fn popen(cmd: &std::ffi::OsStr, reading: bool) -> std::io::Result<Stream> {
        use std::os::unix::process::CommandExt;
        use std::process::{Command, Stdio};
        // As `popen`: `/bin/sh` run as `sh`, which names itself so in its messages.
        let mut c = Command::new("/bin/sh");
        c.arg0("sh").arg("-c").arg(cmd);
        if reading {
            c.stdout(Stdio::piped());
        } else {
            c.stdin(Stdio::piped());
        }
        let mut s = Stream::new(Target::Pipe(c.spawn()?));
        s.writable = !reading;
        Ok(s)
    }

    /// A new anonymous file, read-write, removed from its directory at once.
    pub(crate) fn tmpfile() -> Option<Stream> {
        for k in 0..100u64 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(k);
            let path = format!(
                "/tmp/tape_tmp_{}_{:x}",
                std::process::id(),
                nanos ^ (k << 40)
            );
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path);
            if let Ok(f) = f {
                let _ = std::fs::remove_file(&path);
                return Some(Stream::new(Target::File(f)));
            }
        }
        None
    }

    pub(crate) fn is_std(&self) -> bool {
        matches!(self.target, Target::Stdin | Target::Stdout | Target::Stderr)
    }

    /// Refills the read buffer; `Ok(false)` at end of file.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.rpos < self.rbuf.len() {
            return Ok(true);
        }
        self.flush_writes()?;
        self.wbuf.stop_putting();
        self.rbuf.resize(CHUNK, 0);
        self.rpos = 0;
        let n = loop {
            let r = match &mut self.target {
                Target::Stdin => std::io::stdin().read(&mut self.rbuf),
                Target::File(f) => f.read(&mut self.rbuf),
                Target::Pipe(c) => match c.stdout.as_mut() {
                    Some(out) => out.read(&mut self.rbuf),
                    None => Err(std::io::Error::from_raw_os_error(9)),
                },
                Target::Stdout | Target::Stderr => Err(std::io::Error::from_raw_os_error(9)),
            };
            match r {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.rbuf.clear();
                    return Err(e);
                }
                Ok(n) => break n,
            }
        };
        self.rbuf.truncate(n);
        Ok(n > 0)
    }

    /// The next byte without consuming it.
    pub(crate) fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if !self.fill()? {
            return Ok(None);
        }
        Ok(self.rbuf.get(self.rpos).copied())
    }

    pub(crate) fn bump(&mut self) {
        if self.rpos < self.rbuf.len() {
            self.rpos += 1;
        }
    }

    /// Reads a line into `out`; `keep_nl` keeps the `\n`. `Ok(false)` if nothing was read at EOF.
    pub(crate) fn read_line(&mut self, out: &mut Vec<u8>, keep_nl: bool) -> std::io::Result<bool> {
        let mut any = false;
        loop {
            if !self.fill()? {
                return Ok(any);
            }
            any = true;
            let avail = &self.rbuf[self.rpos..];
            match avail.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    out.extend_from_slice(&avail[..if keep_nl { i + 1 } else { i }]);
                    self.rpos += i + 1;
                    return Ok(true);
                }
                None => {
                    out.extend_from_slice(avail);
                    self.rpos = self.rbuf.len();
                }
            }
        }
    }

    /// Reads up to `n` bytes (all that is left when `n` is `None`) into `out`.
    pub(crate) fn read_count(
        &mut self,
        out: &mut Vec<u8>,
        n: Option<usize>,
    ) -> std::io::Result<()> {
        let mut left = n.unwrap_or(usize::MAX);
        while left > 0 {
            if !self.fill()? {
                break;
            }
            let avail = &self.rbuf[self.rpos..];
            let take = avail.len().min(left);
            out.extend_from_slice(&avail[..take]);
            self.rpos += take;
            left -= take;
        }
        Ok(())
    }

    /// Writes `data` through the stream's buffer, as one `fwrite` (standard output is handled
    /// by the caller).
    pub(crate) fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        if !self.writable {
            return Err(std::io::Error::from_raw_os_error(9));
        }
        self.drop_reads()?;
        let Stream { target, wbuf, .. } = self;
        match target {
            Target::Stderr => wbuf.write(&mut std::io::stderr(), data),
            Target::File(f) => wbuf.write(f, data),
            Target::Pipe(c) => match c.stdin.as_mut() {
                Some(i) => wbuf.write(i, data),
                None => Err(std::io::Error::from_raw_os_error(9)),
            },
            Target::Stdin | Target::Stdout => Err(std::io::Error::from_raw_os_error(9)),
        }
    }

    /// Runs `f` on the buffer with the stream's OS side (`fflush`, `setvbuf`).
    pub(crate) fn with_buffer(
        &mut self,
        f: impl FnOnce(&mut CBuf, &mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let Stream { target, wbuf, .. } = self;
        match target {
            Target::Stderr => f(wbuf, &mut std::io::stderr()),
            Target::File(file) => f(wbuf, file),
            Target::Pipe(c) => match c.stdin.as_mut() {
                Some(i) => f(wbuf, i),
                None => f(wbuf, &mut std::io::sink()),
            },
            Target::Stdin | Target::Stdout => f(wbuf, &mut std::io::sink()),
        }
    }

    pub(crate) fn flush_writes(&mut self) -> std::io::Result<()> {
        if self.wbuf.pending() == 0 {
            return Ok(());
        }
        self.with_buffer(|b, w| b.flush(w))
    }

    /// Gives unread input back to the OS position (before writing or seeking).
    fn drop_reads(&mut self) -> std::io::Result<()> {
        let unread = self.rbuf.len() - self.rpos;
        self.rbuf.clear();
        self.rpos = 0;
        if unread > 0 {
            if let Target::File(f) = &mut self.target {
                f.seek(SeekFrom::Current(-(unread as i64)))?;
            }
        }
        Ok(())
    }

    /// Seeks; a failed seek leaves the position (and the unread input) as it was.
    pub(crate) fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.flush_writes()?;
        let unread = (self.rbuf.len() - self.rpos) as i64;
        let pos = match pos {
            SeekFrom::Current(o) => match o.checked_sub(unread) {
                Some(o) => SeekFrom::Current(o),
                None => return Err(std::io::Error::from_raw_os_error(22)),
            },
            p => p,
        };
        let r = self.seek_target(pos);
        if r.is_ok() {
            self.rbuf.clear();
            self.rpos = 0;
        }
        r
    }

    fn seek_target(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match &mut self.target {
            Target::File(f) => f.seek(pos),
            Target::Pipe(_) => Err(std::io::Error::from_raw_os_error(29)),
            // A standard stream seeks its process-wide descriptor through a duplicate, which
            // shares the file offset: a pipe or terminal fails with `Illegal seek`, a
            // redirected file reports its position as C's `fseek` does.
            Target::Stdin => std_file(std::io::stdin().as_fd())?.seek(pos),
            Target::Stdout => std_file(std::io::stdout().as_fd())?.seek(pos),
            Target::Stderr => std_file(std::io::stderr().as_fd())?.seek(pos),
        }
    }
}

impl Drop for Stream {
    /// A stream still open when its VM goes away is flushed, as C's `exit` flushes every
    /// `FILE` (files are normally closed by their finalizers first).
    fn drop(&mut self) {
        let _ = self.flush_writes();
    }
}
