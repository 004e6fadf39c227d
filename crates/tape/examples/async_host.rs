//! Async host functions: scripts call `fetch(key)`, an async Rust function that waits for a
//! slow "service" (a thread that answers after a delay), and `call_async` lets one executor
//! thread run several scripts at once. While one script waits on its fetch, the others run;
//! a script in a long loop is sliced (it yields to the executor every `async_slice` units of
//! fuel), so it cannot starve the rest. Needs the `async` feature.
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;
use tape::{Error, Tape};

/// A value the "service" delivers after `ms` milliseconds, from another thread.
fn slow_lookup(key: String, ms: u64) -> impl Future<Output = Result<String, Error>> + Send {
    type Slot = (Option<Result<String, Error>>, Option<Waker>);
    let slot: Arc<Mutex<Slot>> = Arc::default();
    let answer = Arc::clone(&slot);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms));
        let mut s = answer.lock().unwrap();
        s.0 = Some(if key == "missing" {
            Err(Error::runtime("no such key"))
        } else {
            Ok(format!("<{key}>"))
        });
        if let Some(w) = s.1.take() {
            w.wake();
        }
    });
    std::future::poll_fn(move |cx| {
        let mut s = slot.lock().unwrap();
        match s.0.take() {
            Some(v) => Poll::Ready(v),
            None => {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
}

const SCRIPTS: [&str; 3] = [
    "local a = fetch('user') local b = fetch('cart') return a .. b",
    "local n = 0 for i = 1, 3000000 do n = n + i % 7 end return tostring(n)",
    "local ok, err = pcall(function() return fetch('missing') .. '!' end)\nreturn tostring(ok) .. ', ' .. err",
];

type Task<'a> = Pin<Box<dyn Future<Output = Result<String, Error>> + 'a>>;

/// A minimal executor: polls each unfinished task that was woken (every task at first),
/// parks the thread while none was.
/// Returns each task's result and how many times it was polled.
fn run_all(mut tasks: Vec<Task<'_>>) -> Vec<(Result<String, Error>, usize)> {
    struct Flag(std::thread::Thread, AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.1.store(true, Ordering::SeqCst);
            self.0.unpark();
        }
    }
    let flags: Vec<_> = tasks
        .iter()
        .map(|_| Arc::new(Flag(std::thread::current(), true.into())))
        .collect();
    let mut out: Vec<Option<Result<String, Error>>> = tasks.iter().map(|_| None).collect();
    let mut polls = vec![0; tasks.len()];
    while out.iter().any(Option::is_none) {
        let mut any = false;
        for (i, t) in tasks.iter_mut().enumerate() {
            if out[i].is_some() || !flags[i].1.swap(false, Ordering::SeqCst) {
                continue;
            }
            any = true;
            polls[i] += 1;
            let waker = Waker::from(Arc::clone(&flags[i]));
            if let Poll::Ready(r) = t.as_mut().poll(&mut Context::from_waker(&waker)) {
                out[i] = Some(r);
            }
        }
        if !any {
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }
    out.into_iter().flatten().zip(polls).collect()
}

/// Runs the three scripts side by side; returns each one's result and poll count.
pub fn run() -> Result<Vec<(String, usize)>, Error> {
    let mut vms = Vec::new();
    let mut funcs = Vec::new();
    for src in SCRIPTS {
        let mut lua = Tape::builder().sandboxed().memory_limit(16 << 20).build()?;
        let fetch = lua.create_async_function(|_, key: String| slow_lookup(key, 30))?;
        lua.set_global("fetch", fetch)?;
        funcs.push(lua.chunk(src).set_name("=script").into_function()?);
        vms.push(lua);
    }
    let tasks = vms
        .iter_mut()
        .zip(&funcs)
        .map(|(lua, f)| Box::pin(lua.call_async::<String>(f, ())) as Task)
        .collect();
    run_all(tasks)
        .into_iter()
        .map(|(r, polls)| Ok((r?, polls)))
        .collect()
}

pub fn main() -> Result<(), Error> {
    for (i, (result, polls)) in run()?.into_iter().enumerate() {
        println!("script {}: {result} (polled {polls} times)", i + 1);
    }
    Ok(())
}
