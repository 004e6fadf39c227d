//! Stopping a running script from another thread, then running more code in the same VM.
use std::sync::atomic::Ordering;
use std::time::Duration;
use tape::{Error, ErrorKind, Tape};

pub fn main() -> Result<(), Error> {
    let mut lua = Tape::sandboxed()?;
    let flag = lua.vm().interrupt_handle();
    let stopper = std::thread::spawn({
        let flag = flag.clone();
        move || {
            std::thread::sleep(Duration::from_millis(50));
            flag.store(true, Ordering::Relaxed);
        }
    });
    match lua.chunk("while true do end").set_name("=spin").exec() {
        Err(e) if e.kind() == ErrorKind::Interrupted => println!("stopped: {}", e.message()),
        other => println!("unexpected: {other:?}"),
    }
    let _ = stopper.join();
    flag.store(false, Ordering::Relaxed);
    println!("after: {}", lua.chunk("1 + 1").eval::<i64>()?);
    Ok(())
}
