//! The public error: which stage or limit failed (`ErrorKind`), the message `lua5.4` would
//! print, the traceback, and the Lua error value (rooted, so it stays readable).

use crate::value::LuaValue;
use std::fmt;
use std::sync::Arc;

/// A Rust error carried through Lua (`Error::external`).
pub(crate) type External = Arc<dyn std::error::Error + Send + Sync>;

/// What failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The source did not parse or compile.
    Syntax,
    /// A binary chunk (`string.dump` output) was damaged or did not pass the verifier.
    Verify,
    /// The chunk raised an error while running (including errors a Rust function returned).
    Runtime,
    /// The memory cap was reached (`not enough memory`).
    Memory,
    /// The fuel budget ran out (`fuel exhausted`).
    Fuel,
    /// Not a failure: the fuel ran out in pause mode ([`Builder::pause_on_fuel`]) and the call
    /// is suspended where it stopped. Refill ([`Tape::add_fuel`]) and [`Tape::resume`] it, or
    /// [`Tape::cancel`] it.
    ///
    /// [`Builder::pause_on_fuel`]: crate::Builder::pause_on_fuel
    /// [`Tape::add_fuel`]: crate::Tape::add_fuel
    /// [`Tape::resume`]: crate::Tape::resume
    /// [`Tape::cancel`]: crate::Tape::cancel
    Paused,
    /// The interrupt flag was set (`interrupted`).
    Interrupted,
    /// The wall-clock deadline passed (`time limit exceeded`).
    Deadline,
    /// A Lua value could not be converted to the Rust type asked for (or back).
    Conversion,
    /// A rooted handle was used with a `Tape` it does not belong to, or after its root was
    /// cleared.
    Handle,
}

/// A failure, with the message `lua5.4` would print and, for runtime errors, a traceback.
/// One pointer wide.
pub struct Error {
    inner: Box<ErrorInner>,
}

struct ErrorInner {
    kind: ErrorKind,
    message: String,
    traceback: Option<String>,
    /// The Lua error object, rooted (absent for errors made on the Rust side).
    value: Option<LuaValue>,
    /// For conversion errors: the text a `bad argument` message puts in parentheses
    /// (`number expected, got string`), and which argument (0-based) it was.
    arg_detail: Option<String>,
    arg: Option<usize>,
    /// The Rust error this one carries (`Error::external`), kept through Lua.
    external: Option<External>,
    /// For conversion errors located inside a value (the serde deserializer's): the message
    /// without the location, and the location (`.servers[2].port`).
    #[cfg(feature = "serde")]
    path: Option<(String, String)>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: String, traceback: Option<String>) -> Error {
        Error {
            inner: Box::new(ErrorInner {
                kind,
                message,
                traceback,
                value: None,
                arg_detail: None,
                arg: None,
                external: None,
                #[cfg(feature = "serde")]
                path: None,
            }),
        }
    }

    /// A runtime error with a message, for Rust functions called from Lua to return: Lua sees
    /// it as an error string with the caller's position (`script:3: message`), as
    /// `luaL_error` raises it.
    pub fn runtime(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Runtime, message.into(), None)
    }

    /// A conversion error: a value of Lua type `got` where a `expected` was needed. The
    /// message reads `expected integer, got string`; as an argument of a Rust function it
    /// reads `bad argument #1 to 'f' (number expected, got string)`, with `lua_expected`.
    pub fn conversion(expected: &str, lua_expected: &str, got: &str) -> Error {
        let mut e = Error::new(
            ErrorKind::Conversion,
            format!("expected {expected}, got {got}"),
            None,
        );
        e.inner.arg_detail = Some(format!("{lua_expected} expected, got {got}"));
        e
    }

    /// A conversion error with its own text (`integer 300 out of range for u8`), the same
    /// in a `bad argument` message.
    pub fn conversion_message(message: impl Into<String>) -> Error {
        let message = message.into();
        let mut e = Error::new(ErrorKind::Conversion, message.clone(), None);
        e.inner.arg_detail = Some(message);
        e
    }

    /// Wraps a Rust error. Returned by a Rust function, it reaches Lua as an error object
    /// whose `tostring` is the error's message; if it comes back to the host (uncaught, or
    /// rethrown), `downcast_ref` finds the original error again.
    pub fn external(e: impl std::error::Error + Send + Sync + 'static) -> Error {
        let mut err = Error::new(ErrorKind::Runtime, e.to_string(), None);
        err.inner.external = Some(Arc::new(e));
        err
    }

    /// The Rust error passed to `Error::external`, if it is an `E`.
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        let e: &(dyn std::error::Error + 'static) = self.inner.external.as_deref()?;
        e.downcast_ref::<E>()
    }

    pub(crate) fn external_source(&self) -> Option<&External> {
        self.inner.external.as_ref()
    }

    pub(crate) fn with_external(mut self, e: Option<External>) -> Error {
        self.inner.external = e;
        self
    }

    pub(crate) fn handle(message: &str) -> Error {
        Error::new(ErrorKind::Handle, message.to_string(), None)
    }

    pub(crate) fn with_value(mut self, v: Option<LuaValue>) -> Error {
        self.inner.value = v;
        self
    }

    /// Marks a conversion error as one about value `i` (0-based) of a list.
    pub(crate) fn at_arg(mut self, i: usize) -> Error {
        if self.inner.arg.is_none() && self.inner.arg_detail.is_some() {
            self.inner.arg = Some(i);
        }
        self
    }

    /// Shifts the position by `n` (the error came from a tail of the list).
    pub(crate) fn shift_arg(mut self, n: usize) -> Error {
        if let Some(a) = self.inner.arg {
            self.inner.arg = Some(a + n);
        }
        self
    }

    /// The value was absent rather than nil: PUC says `got no value`.
    pub(crate) fn no_value(mut self) -> Error {
        if let Some(d) = &self.inner.arg_detail {
            if let Some(head) = d.strip_suffix("got nil") {
                self.inner.arg_detail = Some(format!("{head}got no value"));
            }
        }
        if let Some(head) = self.inner.message.strip_suffix("got nil") {
            self.inner.message = format!("{head}got no value");
        }
        self
    }

    /// Puts a conversion error one step deeper (`seg` is `.name` or `[3]`): the message
    /// becomes `servers[2].port: expected integer, got string`. Other kinds are left alone.
    #[cfg(feature = "serde")]
    pub(crate) fn in_path(mut self, seg: &str) -> Error {
        if self.inner.kind != ErrorKind::Conversion {
            return self;
        }
        let inner = &mut *self.inner;
        let (base, path) = inner
            .path
            .get_or_insert_with(|| (inner.message.clone(), String::new()));
        path.insert_str(0, seg);
        let shown = path.strip_prefix('.').unwrap_or(path);
        inner.message = format!("{shown}: {base}");
        if inner.arg_detail.is_some() {
            inner.arg_detail = Some(inner.message.clone());
        }
        self
    }

    pub(crate) fn arg_info(&self) -> Option<(usize, &str)> {
        Some((self.inner.arg?, self.inner.arg_detail.as_deref()?))
    }

    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message, e.g. `input:3: attempt to add a nil value (local 'x')`.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// `stack traceback:` and one line per frame, when the error happened at run time and the
    /// error object is not one with its own `__tostring` (as `lua5.4` reports it).
    pub fn traceback(&self) -> Option<&str> {
        self.inner.traceback.as_deref()
    }

    /// The Lua error object (`error({code = 1})` gives the table), rooted; `None` for errors
    /// made on the Rust side (syntax, conversion, handle errors).
    pub fn value(&self) -> Option<&LuaValue> {
        self.inner.value.as_ref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.inner.kind, self.inner.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let e: &(dyn std::error::Error + 'static) = self.inner.external.as_deref()?;
        Some(e)
    }
}
