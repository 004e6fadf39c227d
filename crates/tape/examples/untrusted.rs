//! An untrusted script under every limit at once: the sandbox preset, a memory cap, fuel, a
//! wall-clock limit per call, stack, native-nesting and coroutine limits, and an interrupt
//! another thread can pull. Each hostile script ends in its own error; the host carries on.
use std::sync::atomic::Ordering;
use std::time::Duration;
use tape::{Error, ErrorKind, Tape};

pub const HOSTILE: [&str; 10] = [
    "while true do end",
    "local t = {} for i = 1, 1e9 do t[i] = i end",
    "return ('x'):rep(1e9)",
    "local function f(n) return 1 + f(n + 1) end return f(1)",
    "local t = setmetatable({}, {__index = function(t, k) return t[k + 1] end}) return t[1]",
    "local cs = {} for i = 1, 1e6 do cs[i] = coroutine.create(print) end",
    "return ('a'):rep(40):find(('a*'):rep(40) .. 'b')",
    "while true do slow(20) end",
    "while true do slow(1) end -- the watchdog pulls the interrupt",
    "return io.open('/etc/passwd'):read('a')",
];

/// Runs each hostile script on a fresh budget; returns its error kind and message.
pub fn run() -> Result<Vec<(ErrorKind, String)>, Error> {
    let mut lua = Tape::builder()
        .sandboxed()
        .memory_limit(16 << 20)
        .fuel(20_000_000)
        .call_timeout(Duration::from_secs(1))
        .stack_limit(100_000, 1_000)
        .c_limit(40)
        .thread_limit(100)
        .build()?;
    let slow = lua.create_function(|_, ms: u64| {
        std::thread::sleep(Duration::from_millis(ms));
        Ok(())
    })?;
    lua.set_global("slow", slow)?;
    let interrupt = lua.vm().interrupt_handle();
    let mut out = Vec::new();
    for (i, src) in HOSTILE.iter().enumerate() {
        lua.vm().set_fuel(Some(20_000_000));
        let watchdog = (i == 8).then(|| {
            let flag = interrupt.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                flag.store(true, Ordering::Relaxed);
            })
        });
        let r = lua.chunk(*src).set_name("=untrusted").exec();
        if let Some(w) = watchdog {
            let _ = w.join();
            interrupt.store(false, Ordering::Relaxed);
        }
        match r {
            Ok(()) => return Err(Error::runtime(format!("script {i} was not stopped"))),
            Err(e) => out.push((e.kind(), e.message().to_string())),
        }
    }
    // Still a working VM.
    let n: i64 = lua.chunk("1 + 1").eval()?;
    out.push((ErrorKind::Runtime, format!("afterwards: 1 + 1 = {n}")));
    Ok(out)
}

pub fn main() -> Result<(), Error> {
    for (kind, message) in run()? {
        println!("{kind:?}: {message}");
    }
    Ok(())
}
