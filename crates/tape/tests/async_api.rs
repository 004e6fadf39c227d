//! Async Rust functions and `call_async` (feature `async`): results, errors, where an async
//! function may be called, time slicing, fuel, dropping a call half-way.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use tape::{block_on, Error, ErrorKind, Function, Tape, Variadic};

/// A future that is pending `n` times (waking itself each time) before it gives `v`.
fn after_polls<T: Send + 'static>(n: usize, v: T) -> impl Future<Output = Result<T, Error>> + Send {
    let mut left = n;
    let mut v = Some(v);
    std::future::poll_fn(move |cx| {
        if left == 0 {
            return Poll::Ready(Ok(v.take().expect("polled after completion")));
        }
        left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
}

/// Polls `fut` to completion with a waker that does nothing; returns its output and the
/// number of polls.
fn count_polls<F: Future>(fut: F) -> (F::Output, usize) {
    struct Nop;
    impl Wake for Nop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Nop));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    let mut n = 0;
    loop {
        n += 1;
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return (v, n);
        }
    }
}

fn lua_with_sleep() -> Tape {
    let mut lua = Tape::new();
    let sleep = lua
        .create_async_function(|_, (n, v): (usize, tape::LuaValue)| {
            // The value goes back as it came (a rooted handle is Send + 'static).
            after_polls(n, v)
        })
        .unwrap();
    lua.set_global("sleep", sleep).unwrap();
    lua
}

fn func(lua: &mut Tape, src: &str) -> Function {
    lua.chunk(src).set_name("=t").into_function().unwrap()
}

#[test]
fn async_functions_return_their_futures_outputs() {
    let mut lua = Tape::new();
    let add = lua
        .create_async_function(|_, (a, b): (i64, i64)| after_polls(3, (a + b, a * b)))
        .unwrap();
    lua.set_global("add", add).unwrap();
    let f = func(
        &mut lua,
        "local s, p = add(...) return s, p, select('#', add(1, 1))",
    );
    let (r, polls) = count_polls(lua.call_async::<(i64, i64, i64)>(&f, (6, 7)));
    assert_eq!(r.unwrap(), (13, 42, 2));
    // Start, three pending polls of the first future, its end; the same for the second.
    assert_eq!(polls, 1 + 3 + 3);
    // Several calls in sequence on one Tape, with variadic results.
    let many = lua
        .create_async_function(
            |_, n: i64| async move { Ok(Variadic((1..=n).collect::<Vec<i64>>())) },
        )
        .unwrap();
    lua.set_global("many", many).unwrap();
    let f = func(&mut lua, "return many(...)");
    for n in 0..4 {
        let v: Variadic<i64> = block_on(lua.call_async(&f, n)).unwrap();
        assert_eq!(v.0, (1..=n).collect::<Vec<_>>());
    }
}

#[test]
fn values_live_across_awaits_and_collections() {
    let mut lua = lua_with_sleep();
    let f = func(
        &mut lua,
        "local keep = {} local s = 0
         for i = 1, 200 do
           keep[i] = {i, tostring(i)}
           local junk = {} for j = 1, 50 do junk[j] = {} end
           if i % 20 == 0 then
             local t = sleep(1, keep[i]) s = s + t[1]
             collectgarbage()
           end
         end
         for i = 1, 200 do s = s + keep[i][1] + #keep[i][2] end
         return s",
    );
    // lua5.4, with `sleep` returning its second argument: 21692.
    assert_eq!(block_on(lua.call_async::<i64>(&f, ())).unwrap(), 21692);
}

#[test]
fn errors_of_futures_are_lua_errors() {
    let mut lua = Tape::new();
    let fail = lua
        .create_async_function(|_, what: String| async move {
            match what.as_str() {
                "io" => Err(Error::external(std::io::Error::other("disk on fire"))),
                _ => Err::<(), _>(Error::runtime(format!("no {what}"))),
            }
        })
        .unwrap();
    lua.set_global("fail", fail).unwrap();
    // Caught by pcall, with the position of the call, as a Rust function's error.
    for body in ["local v = fail('thing') return v", "return fail('thing')"] {
        let src = format!("local ok, e = pcall(function()\n  {body}\nend)\nreturn tostring(ok), e");
        let f = func(&mut lua, &src);
        let (ok, e): (String, String) = block_on(lua.call_async(&f, ())).unwrap();
        assert_eq!(
            (ok.as_str(), e.as_str()),
            ("false", "t:2: no thing"),
            "{body}"
        );
    }
    // Not caught: the call's error, with the Rust error inside.
    let f = func(&mut lua, "fail('io')");
    let e = block_on(lua.call_async::<()>(&f, ())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Runtime);
    assert!(e.message().contains("disk on fire"), "{}", e.message());
    let io = e
        .downcast_ref::<std::io::Error>()
        .expect("the io::Error comes back");
    assert_eq!(io.to_string(), "disk on fire");
    // A bad argument is reported as for any Rust function.
    let f = func(&mut lua, "fail({})");
    let e = block_on(lua.call_async::<()>(&f, ())).unwrap_err();
    assert_eq!(
        e.message(),
        "t:1: bad argument #1 to 'fail' (string expected, got table)"
    );
}

#[test]
fn async_functions_need_a_yieldable_call_async() {
    let mut lua = lua_with_sleep();
    let msg = "an async Rust function can only be called from Lua code that call_async runs \
               (not from a plain call, another coroutine or a native's callback)";
    // A plain call.
    let e = lua.chunk("sleep(0, 1)").set_name("=t").exec().unwrap_err();
    assert!(e.message().contains(msg), "{}", e.message());
    // Inside a coroutine of the script.
    let f = func(
        &mut lua,
        "local co = coroutine.wrap(function() return sleep(0, 1) end) return co()",
    );
    let e = block_on(lua.call_async::<i64>(&f, ())).unwrap_err();
    assert!(e.message().contains(msg), "{}", e.message());
    // From a native's callback.
    let f = func(
        &mut lua,
        "local t = {3, 1, 2} table.sort(t, function(a, b) return sleep(0, a) < b end) return t[1]",
    );
    let e = block_on(lua.call_async::<i64>(&f, ())).unwrap_err();
    assert!(e.message().contains(msg), "{}", e.message());
    // A coroutine.yield of the script's own at its top level.
    let f = func(&mut lua, "coroutine.yield(1) return 2");
    let e = block_on(lua.call_async::<i64>(&f, ())).unwrap_err();
    assert_eq!(e.message(), "attempt to yield from outside a coroutine");
    // After all that, the Tape works, synchronously and not.
    assert_eq!(lua.chunk("return 5").eval::<i64>().unwrap(), 5);
    let f = func(&mut lua, "return sleep(2, 9)");
    assert_eq!(block_on(lua.call_async::<i64>(&f, ())).unwrap(), 9);
}

const LOOP: &str = "local n = 0 for i = 1, 200000 do n = n + i % 7 end
                    local t = {} for i = 1, 1000 do t[i] = (i * 7919) % 1000 end
                    table.sort(t, function(a, b) return a > b end)
                    return n, t[1], t[1000]";

#[test]
fn slices_yield_to_the_executor_and_change_nothing() {
    let mut lua = Tape::new();
    let f = func(&mut lua, LOOP);
    let whole: (i64, i64, i64) = f.call(&mut lua, ()).unwrap();
    assert_eq!(whole, (599997, 999, 0));
    lua.set_async_slice(Some(1_000));
    let (r, polls) = count_polls(lua.call_async::<(i64, i64, i64)>(&f, ()));
    assert_eq!(r.unwrap(), whole);
    assert!(polls > 500, "{polls} polls");
    lua.set_async_slice(None);
    let (r, polls) = count_polls(lua.call_async::<(i64, i64, i64)>(&f, ()));
    assert_eq!((r.unwrap(), polls), (whole, 1));
    // The sort comparator (a native's callback) cannot be suspended: it runs past the slice
    // and the run is suspended later, without failing.
    lua.set_async_slice(Some(1));
    let (r, _) = count_polls(lua.call_async::<(i64, i64, i64)>(&f, ()));
    assert_eq!(r.unwrap(), whole);
    // Even a callback that runs far past the pause mode's usual overdraft.
    let slow = func(
        &mut lua,
        "local t = {5, 3, 8, 1, 9, 2}
         table.sort(t, function(a, b) local n = 0 for i = 1, 100000 do n = n + 1 end return a < b end)
         return table.concat(t, ' ')",
    );
    lua.set_async_slice(Some(10_000));
    let (r, polls) = count_polls(lua.call_async::<String>(&slow, ()));
    assert_eq!(r.unwrap(), "1 2 3 5 8 9");
    assert!(polls >= 1);
}

#[test]
fn the_hosts_fuel_budget_holds_across_slices() {
    // The same fuel as a synchronous run, to the unit.
    let mut sync = Tape::builder().fuel(10_000_000).build().unwrap();
    let f = func(&mut sync, LOOP);
    let _: (i64, i64, i64) = f.call(&mut sync, ()).unwrap();
    let spent_sync = 10_000_000 - sync.fuel().unwrap();
    let mut lua = Tape::builder().fuel(10_000_000).build().unwrap();
    lua.set_async_slice(Some(777));
    let f = func(&mut lua, LOOP);
    let _: (i64, i64, i64) = block_on(lua.call_async(&f, ())).unwrap();
    let spent_async = 10_000_000 - lua.fuel().unwrap();
    // The async run also resumes a coroutine: no Lua instruction more.
    assert_eq!(spent_async, spent_sync);
    // Too little fuel: the error a synchronous run gives.
    let mut lua = Tape::builder().fuel(50_000).build().unwrap();
    let f = func(&mut lua, LOOP);
    let e = f.call::<()>(&mut lua, ()).unwrap_err();
    assert_eq!(
        (e.kind(), e.message()),
        (ErrorKind::Fuel, "t:1: fuel exhausted")
    );
    let mut lua = Tape::builder().fuel(50_000).build().unwrap();
    lua.set_async_slice(Some(3_000));
    let f = func(&mut lua, LOOP);
    let (r, polls) = count_polls(lua.call_async::<()>(&f, ()));
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind(), e.message()),
        (ErrorKind::Fuel, "t:1: fuel exhausted")
    );
    assert!(polls > 10, "{polls}");
    assert_eq!(lua.fuel(), Some(0));
}

#[test]
fn dropping_a_call_half_way_leaves_the_tape_usable() {
    let mut lua = Tape::builder().fuel(1_000_000_000).build().unwrap();
    let sleep = lua
        .create_async_function(|_, n: usize| after_polls(n, ()))
        .unwrap();
    lua.set_global("sleep", sleep).unwrap();
    lua.set_async_slice(Some(100));
    let f = func(
        &mut lua,
        "local n = 0 for i = 1, 1e6 do n = n + 1 end return n",
    );
    {
        // Mid-slice.
        let mut call = Box::pin(lua.call_async::<i64>(&f, ()));
        let waker = Waker::from(Arc::new(NopWake));
        for _ in 0..5 {
            assert!(call
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
        }
    }
    let left = lua.fuel().unwrap();
    assert!(left > 1_000_000_000 - 1_000, "{left}");
    // Not left in pause mode: running out of fuel fails as before.
    assert!(!lua.vm().fuel_pause());
    assert_eq!(lua.chunk("return 1 + 1").eval::<i64>().unwrap(), 2);
    {
        // Waiting on a future.
        let g = func(&mut lua, "sleep(1000) return 1");
        let mut call = Box::pin(lua.call_async::<i64>(&g, ()));
        let waker = Waker::from(Arc::new(NopWake));
        assert!(call
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
    }
    assert_eq!(lua.chunk("return 2 + 2").eval::<i64>().unwrap(), 4);
    let f = func(&mut lua, "sleep(3) return 7");
    assert_eq!(block_on(lua.call_async::<i64>(&f, ())).unwrap(), 7);
}

struct NopWake;
impl Wake for NopWake {
    fn wake(self: Arc<Self>) {}
}

#[test]
fn async_closures_keep_state_and_calls_are_send() {
    let mut lua = Tape::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let mut count = 0i64;
    let next = lua
        .create_async_function(move |_, ()| {
            count += 1;
            seen.fetch_add(1, Ordering::SeqCst);
            after_polls(1, count)
        })
        .unwrap();
    lua.set_global("next_id", next).unwrap();
    let f = func(&mut lua, "return next_id() + next_id() * 10");
    assert_eq!(block_on(lua.call_async::<i64>(&f, ())).unwrap(), 21);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    fn send<T: Send>(_: &T) {}
    let call = lua.call_async::<i64>(&f, ());
    send(&call);
    let boxed: Pin<Box<dyn Future<Output = Result<i64, Error>> + Send + '_>> = Box::pin(call);
    assert_eq!(block_on(boxed).unwrap(), 43);
}
