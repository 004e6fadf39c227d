//! Async host functions and `call_async` (feature `async`).
//!
//! A script calls an async Rust function like any other; underneath, the call runs in a
//! coroutine that the driver (`AsyncCall`, the future `call_async` returns) resumes:
//!
//! 1. The Rust function's synchronous half converts the arguments and makes its future, which
//!    is parked in the `Tape`'s shared state; the Lua side then yields a private token.
//! 2. The driver sees the token, takes the future and polls it with the executor's context.
//!    While it is pending, so is `call_async`; the VM holds no Rust stack for it.
//! 3. When the future completes, the driver converts its output and resumes the coroutine
//!    with it; the Lua side returns those values (or raises the future's error).
//!
//! **Time slicing:** between awaits, Lua code runs at most `async_slice` units of fuel per
//! poll (`Tape::set_async_slice`); then `call_async` wakes itself and returns `Pending`, so one
//! executor thread can run many scripts without any of them starving the others. The slice
//! uses the VM's pause mode and is invisible to the script: it computes exactly what one
//! uninterrupted run would. The `Tape`'s own fuel budget, if any, still holds: running out of
//! it ends the call with `ErrorKind::Fuel`.
//!
//! An async function works only in Lua code that `call_async` runs, where the coroutine can
//! yield: called from a plain `call`/`exec`, from inside another coroutine, or from a callback a
//! native makes (a `sort` comparator, a metamethod called by a library function), it raises a
//! Lua error that says so. The future is `Send + 'static`: it cannot borrow the VM (take what
//! it needs from the arguments in the synchronous half).

use crate::convert::{FromLuaMulti, IntoLuaMulti};
use crate::ctx::{Ctx, Host};
use crate::error::Error;
use crate::value::{Function, LuaValue, Thread};
use crate::Tape;
use std::any::TypeId;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use std::task::{Context, Poll};
use tape_vm::{Args, BoxedNative, Value, Vm};

/// Converts a completed future's output into Lua values, once the VM is available again.
type Deliver = Box<dyn FnOnce(&mut Ctx<'_>) -> Result<Vec<Value>, Error> + Send>;

/// A parked host future, its output type erased.
pub(crate) type HostFuture = Pin<Box<dyn Future<Output = Result<Deliver, Error>> + Send>>;

/// What the Lua side yields to the driver: a light userdata no script can make.
const TOKEN_ADDR: u64 = 0x7461_7065_6173_796e; // "tapeasyn"
const TOKEN: Value = Value::LightUserdata(TOKEN_ADDR);

/// The default fuel per poll (`Tape::set_async_slice`): well under a millisecond of Lua.
pub const DEFAULT_ASYNC_SLICE: u64 = 100_000;

/// The async state of one `Tape`, shared with its functions.
#[derive(Default)]
pub(crate) struct AsyncState {
    /// The coroutine `call_async` is running, while a call is in progress.
    driver: Option<Value>,
    /// The future an async function has just made, until the driver takes it.
    pending: Option<HostFuture>,
}

/// Marker type for the per-`Tape` cached waiter.
struct Waiter;

/// Makes the waiter: `waiter(token)` yields the token to the driver and returns what the
/// coroutine is resumed with (or raises the error it carries, see `finish`). An async
/// function's native half ends by calling it in its place (`Vm::call_then_return`), so the
/// script sees the waiter's results as the function's.
const WAITER: &str = "local yield, finish = ...
return function(token) return finish(yield(token)) end";

impl Ctx<'_> {
    /// A Lua function backed by an async Rust function: `f` receives the converted
    /// arguments (and the `Ctx`, for anything it needs from the VM before it starts) and
    /// returns a future; Lua sees the future's output as the call's results. It may be
    /// called only from Lua code that [`Tape::call_async`] runs (see there).
    ///
    /// ```
    /// # use tape::Tape;
    /// let mut lua = Tape::new();
    /// let double = lua.create_async_function(|_, n: i64| async move { Ok(n * 2) }).unwrap();
    /// lua.set_global("double", double).unwrap();
    /// let f = lua.chunk("return double(21) + 0").into_function().unwrap();
    /// let n: i64 = tape::block_on(lua.call_async(&f, ())).unwrap();
    /// assert_eq!(n, 42);
    /// ```
    pub fn create_async_function<A, R, F, Fut>(&mut self, f: F) -> Result<Function, Error>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti + Send + 'static,
        F: FnMut(&mut Ctx<'_>, A) -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
    {
        let cell = Mutex::new(f);
        let shared = Arc::clone(self.shared);
        let native: BoxedNative = Arc::new(move |vm: &mut Vm, args: Args| {
            let vals: Vec<Value> = (0..args.len()).map(|i| vm.arg(args, i)).collect();
            {
                let mut ctx = Ctx::new(vm, &shared);
                if let Err((e, arguments)) = start_async(&mut ctx, &cell, &vals) {
                    return Err(ctx.vm_error_for(e, arguments));
                }
            }
            // Call the waiter (the native's upvalue) with the token in this native's place.
            let waiter = vm.native_upvalue(0);
            vm.push(waiter)?;
            vm.push(TOKEN)?;
            vm.call_then_return(1, -1)
        });
        let waiter = self.async_waiter()?;
        let v = self
            .vm
            .new_boxed_native_with_upvalues("?", native, &[waiter])
            .map_err(|e| self.runtime_error(e))?;
        Ok(Function(self.root(v)?))
    }

    /// The cached waiter (see `WAITER`).
    fn async_waiter(&mut self) -> Result<Value, Error> {
        let id = TypeId::of::<Waiter>();
        if let Some(v) = self.shared.cached_object(self.vm, id) {
            return Ok(v);
        }
        let yield_fn = self.vm.new_yield().map_err(|e| self.runtime_error(e))?;
        let yield_fn = self.root_value(yield_fn)?;
        let finish = self.async_finish()?;
        let chunk = self.chunk(WAITER).set_name("=[async]").into_function()?;
        let waiter: Function = chunk.call(self, (yield_fn, finish))?;
        let raw = self.deref(&waiter.0)?;
        self.shared.cache_object(self.vm, id, raw);
        Ok(raw)
    }

    /// `finish(ok, ...)`: returns `...` for `true`; raises the value after `false` as is, or
    /// the message after `nil` as a Rust function's error (with the position of the code
    /// that called the async function).
    fn async_finish(&mut self) -> Result<LuaValue, Error> {
        let native: BoxedNative = Arc::new(|vm: &mut Vm, args: Args| {
            match vm.arg(args, 0) {
                Value::Bool(true) => {
                    for i in 1..args.len() {
                        let v = vm.arg(args, i);
                        vm.push(v)?;
                    }
                    Ok(args.len().saturating_sub(1))
                }
                Value::Bool(false) => Err(tape_vm::Error::from_value(vm.arg(args, 1))),
                _ => {
                    let msg = match vm.arg(args, 1) {
                        Value::Str(s) => String::from_utf8_lossy(vm.str_bytes(s)).into_owned(),
                        _ => "async Rust function failed".to_string(),
                    };
                    // Levels: finish, the waiter, the async function's native half, and
                    // the code that called it.
                    let pos = vm.where_(3);
                    Err(vm.make_error(format!("{pos}{msg}")))
                }
            }
        });
        let v = self
            .vm
            .new_boxed_native("?", native)
            .map_err(|e| self.runtime_error(e))?;
        self.root_value(v)
    }
}

impl Ctx<'_> {
    /// The values that resume a coroutine waiting on a future that failed with `e`:
    /// `false, value` for an error with a Lua value (or a Rust error, wrapped), else
    /// `nil, message`.
    fn async_failure(&mut self, e: Error) -> Vec<Value> {
        if let Some(v) = self.error_value(&e) {
            return vec![Value::Bool(false), v];
        }
        match self.vm.str_value(e.message()) {
            Ok(m) => vec![Value::Nil, m],
            Err(_) => vec![Value::Bool(false), Value::Nil],
        }
    }
}

/// The native half of an async function: checks that it runs where it can wait, converts
/// the arguments and parks the future for the driver. `Err((e, true))` is an argument error.
fn start_async<A, R, F, Fut>(
    ctx: &mut Ctx<'_>,
    cell: &Mutex<F>,
    vals: &[Value],
) -> Result<(), (Error, bool)>
where
    A: FromLuaMulti,
    R: IntoLuaMulti + Send + 'static,
    F: FnMut(&mut Ctx<'_>, A) -> Fut + Send + 'static,
    Fut: Future<Output = Result<R, Error>> + Send + 'static,
{
    let (cur, main) = ctx.vm.running_thread();
    let in_driver = !main && {
        let st = ctx.shared.async_lock();
        matches!(st.driver, Some(Value::Thread(t)) if t == cur)
    };
    if !in_driver || !ctx.vm.is_yieldable() {
        return Err((
            Error::runtime(
                "an async Rust function can only be called from Lua code that call_async \
                 runs (not from a plain call, another coroutine or a native's callback)",
            ),
            false,
        ));
    }
    let a = A::from_lua_multi(vals, ctx).map_err(|e| (e, true))?;
    let fut = {
        let mut f = match cell.try_lock() {
            Ok(g) => g,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err((
                    Error::runtime("a Rust function was called again while it was running"),
                    false,
                ))
            }
        };
        (*f)(ctx, a)
    };
    let parked: HostFuture = Box::pin(async move {
        let r = fut.await?;
        Ok(Box::new(move |ctx: &mut Ctx<'_>| r.into_lua_multi(ctx)) as Deliver)
    });
    ctx.shared.async_lock().pending = Some(parked);
    Ok(())
}

impl Tape {
    /// See [`Ctx::create_async_function`].
    pub fn create_async_function<A, R, F, Fut>(&mut self, f: F) -> Result<Function, Error>
    where
        A: FromLuaMulti,
        R: IntoLuaMulti + Send + 'static,
        F: FnMut(&mut Ctx<'_>, A) -> Fut + Send + 'static,
        Fut: Future<Output = Result<R, Error>> + Send + 'static,
    {
        self.ctx().create_async_function(f)
    }

    /// Calls `f` with `args` as a future: the Lua code runs in slices of fuel between polls
    /// (see [`Tape::set_async_slice`]) and waits, without blocking, on the futures of the
    /// async Rust functions it calls ([`Tape::create_async_function`]). Any executor can drive
    /// it; it borrows the `Tape` until it completes. Dropping it early abandons the call (the
    /// coroutine is left suspended, to be collected; a half-run slice is cancelled).
    pub fn call_async<'a, R: FromLuaMulti + 'a>(
        &'a mut self,
        f: &Function,
        args: impl IntoLuaMulti,
    ) -> AsyncCall<'a, R> {
        let start = (|| {
            let mut ctx = self.ctx();
            let thread = ctx.create_thread(f)?;
            let raw = args.into_lua_multi(&mut ctx)?;
            let mut rooted = Vec::with_capacity(raw.len());
            for v in raw {
                rooted.push(ctx.root_value(v)?);
            }
            Ok((thread, rooted))
        })();
        let state = match start {
            Ok((thread, args)) => State::Start(thread, args),
            Err(e) => State::Failed(e),
        };
        AsyncCall {
            lua: self,
            state,
            _r: PhantomData,
        }
    }

    /// The fuel `call_async` lets Lua code run per poll before it yields to the executor
    /// (`None`: run until the code awaits or ends). [`DEFAULT_ASYNC_SLICE`] by default.
    pub fn set_async_slice(&mut self, units: Option<u64>) {
        self.async_slice = units.map(|u| u.max(1));
    }
}

enum State {
    /// Not started: the coroutine and its arguments.
    Start(Thread, Vec<LuaValue>),
    /// A slice ran out of fuel; the VM holds the suspended resume.
    Sliced(Thread),
    /// The coroutine waits on a host future.
    Waiting(Thread, HostFuture),
    /// Could not start (the error is returned by the first poll).
    Failed(Error),
    Done,
}

/// The future [`Tape::call_async`] returns.
pub struct AsyncCall<'a, R> {
    lua: &'a mut Tape,
    state: State,
    _r: PhantomData<fn() -> R>,
}

// Nothing in `AsyncCall` is self-referential: moving it is fine.
impl<R> Unpin for AsyncCall<'_, R> {}

/// How one resume of the coroutine ended.
enum Step {
    /// It finished (`true`) or yielded (`false`) these values.
    Values(Vec<Value>, bool),
    /// The slice ran out; the resume is suspended in the VM.
    Sliced,
}

impl<R: FromLuaMulti> Future for AsyncCall<'_, R> {
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            let (thread, step) = match std::mem::replace(&mut this.state, State::Done) {
                State::Done => {
                    return Poll::Ready(Err(Error::runtime("call_async polled after it ended")))
                }
                State::Failed(e) => return Poll::Ready(Err(e)),
                State::Start(thread, args) => {
                    let step = this.lua.async_resume(&thread, Resume::Values(Ok(args)));
                    (thread, step)
                }
                State::Sliced(thread) => {
                    let step = this.lua.async_resume(&thread, Resume::Paused);
                    (thread, step)
                }
                State::Waiting(thread, mut fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Waiting(thread, fut);
                        return Poll::Pending;
                    }
                    Poll::Ready(out) => {
                        let step = this.lua.async_resume(&thread, Resume::Output(out));
                        (thread, step)
                    }
                },
            };
            match step {
                Err(e) => return Poll::Ready(Err(e)),
                Ok(Step::Sliced) => {
                    this.state = State::Sliced(thread);
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Ok(Step::Values(vals, true)) => {
                    let mut ctx = this.lua.ctx();
                    return Poll::Ready(R::from_lua_multi(&vals, &mut ctx));
                }
                Ok(Step::Values(vals, false)) => {
                    let parked = this.lua.shared.async_lock().pending.take();
                    match (vals.as_slice(), parked) {
                        ([Value::LightUserdata(p)], Some(fut)) if *p == TOKEN_ADDR => {
                            this.state = State::Waiting(thread, fut);
                        }
                        _ => {
                            return Poll::Ready(Err(Error::runtime(
                                "attempt to yield from outside a coroutine",
                            )))
                        }
                    }
                }
            }
        }
    }
}

impl<R> Drop for AsyncCall<'_, R> {
    fn drop(&mut self) {
        if matches!(self.state, State::Sliced(_)) && self.lua.vm.is_paused() {
            // Abandoned in the middle of a slice: end the suspended resume (it fails at once,
            // out of fuel) and give the host its budget back.
            let saved = self.lua.vm.fuel_balance();
            let pause = self.lua.vm.fuel_pause();
            self.lua.vm.set_fuel_balance(Some(0));
            let _ = self.lua.vm.cancel_paused();
            self.lua.vm.set_fuel_balance(saved);
            // (`cancel_paused` leaves pause mode on; the host's own setting comes back.)
            self.lua.vm.set_fuel_pause(pause);
        }
        let mut st = self.lua.shared.async_lock();
        st.driver = None;
        st.pending = None;
    }
}

/// What a resume of the coroutine carries in.
enum Resume {
    Values(Result<Vec<LuaValue>, Error>),
    Output(Result<Deliver, Error>),
    /// Continue the suspended slice.
    Paused,
}

impl Tape {
    /// Resumes `thread` once, within one slice of fuel.
    fn async_resume(&mut self, thread: &Thread, input: Resume) -> Result<Step, Error> {
        // The values to resume with, as raw values rooted on the VM stack by the call.
        let mut call_args = Vec::new();
        let resuming = !matches!(input, Resume::Paused);
        {
            let mut ctx = self.ctx();
            if resuming {
                call_args.push(ctx.deref(&thread.0)?);
            }
            match input {
                Resume::Paused => {}
                Resume::Values(vals) => {
                    for v in &vals? {
                        call_args.push(ctx.raw_of(v)?);
                    }
                }
                Resume::Output(Ok(deliver)) => {
                    call_args.push(Value::Bool(true));
                    call_args.extend(deliver(&mut ctx)?);
                }
                Resume::Output(Err(e)) => {
                    let vals = ctx.async_failure(e);
                    call_args.extend(vals);
                }
            }
        }
        let resume = if resuming {
            let mut ctx = self.ctx();
            Some(ctx.resume_builtin()?)
        } else {
            None
        };
        let raw_thread = self.ctx().deref(&thread.0)?;
        self.shared.async_lock().driver = Some(raw_thread);
        // One slice: the host's budget (if any) lent out in pause mode, with an overdraft
        // for callbacks that reaches exactly to the end of the host's own budget.
        let host_fuel = self.vm.fuel_balance();
        let host_pause = self.vm.fuel_pause();
        let host_overdraft = self.vm.pause_overdraft();
        let slice = self.async_slice.map(|s| s.min(i64::MAX as u64 / 4) as i64);
        let lent = match (slice, host_fuel) {
            (None, _) => None,
            (Some(s), None) => Some((s, i64::MAX / 4)),
            (Some(s), Some(h)) => {
                let give = s.min(h.max(0));
                Some((give, h.max(0) - give))
            }
        };
        if let Some((give, beyond)) = lent {
            self.vm.set_fuel_balance(Some(give));
            self.vm.set_fuel_pause(true);
            self.vm.set_pause_overdraft(beyond as u64);
        }
        let r = match resume {
            Some(f) => self.vm.call(f, &call_args),
            None => self.vm.resume_paused(),
        };
        let mut host_left = host_fuel;
        if let Some((give, _)) = lent {
            let used = give - self.vm.fuel_balance().unwrap_or(give);
            host_left = host_fuel.map(|h| h - used);
            self.vm.set_fuel_balance(host_left);
            self.vm.set_fuel_pause(host_pause);
            self.vm.set_pause_overdraft(host_overdraft);
        }
        let out = match r {
            Ok(out) => out,
            Err(e) if e.is_paused() => {
                if lent.is_some() && !matches!(host_left, Some(l) if l <= 0) {
                    return Ok(Step::Sliced);
                }
                // The host's own budget ran out: end the call as it would end without
                // slicing, with `fuel exhausted` at the instruction that found it out (the
                // coroutine dies with it and the resume reports it).
                let r = self.vm.cancel_paused();
                self.vm.set_fuel_pause(host_pause);
                // Exhausted, as a run that failed on its own budget leaves it.
                self.vm
                    .set_fuel_balance(Some(host_left.unwrap_or(0).min(-1)));
                match r {
                    Ok(out) => out,
                    Err(e) => return Err(self.ctx().runtime_error(e)),
                }
            }
            Err(e) => return Err(self.ctx().runtime_error(e)),
        };
        let mut ctx = self.ctx();
        let finished = match ctx.deref(&thread.0)? {
            Value::Thread(t) => ctx.vm.thread_status(t) == "dead",
            _ => true,
        };
        match out.split_first() {
            Some((Value::Bool(true), rest)) => Ok(Step::Values(rest.to_vec(), finished)),
            Some((_, rest)) => {
                let v = rest.first().copied().unwrap_or(Value::Nil);
                Err(ctx.runtime_error(tape_vm::Error::from_value(v)))
            }
            None => Err(Error::runtime("coroutine.resume returned nothing")),
        }
    }
}

impl crate::ctx::Shared {
    pub(crate) fn async_lock(&self) -> std::sync::MutexGuard<'_, AsyncState> {
        self.async_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs a future to completion on the current thread (a minimal executor, for tests,
/// examples and hosts that have none).
pub fn block_on<F: Future>(fut: F) -> F::Output {
    use std::task::{Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}
