//! Runtime errors (manual §2.3): any Lua value can be an error object. `Error` is one boxed
//! pointer so `Result<_, Error>` stays cheap on the hot paths.

use crate::value::Value;
use std::fmt;

/// A Lua runtime error on its way up the frame stack, or delivered to the host.
///
/// `value` is the error object. When the error reaches the host (a top-level `Vm::call` or
/// `Vm::load`), the VM fills `message` (string and number values as-is, others as
/// `(error object is a X value)`) and `traceback` (`stack traceback:` plus one line per frame
/// that was active when the error was raised). The value stays valid (rooted by the VM) until the
/// next top-level call.
pub struct Error {
    inner: Box<ErrorInner>,
}

struct ErrorInner {
    value: Value,
    message: String,
    traceback: String,
    /// The value already went through the message handler of the `xpcall` that catches it
    /// (run where the error was raised, before a native's frames were unwound).
    handled: bool,
    /// Not a failure: the host call ran out of fuel in pause mode and waits for
    /// `Vm::resume_paused` (the frames are all still there).
    paused: bool,
}

impl Error {
    /// An error carrying `value`; message and traceback are filled in later by the VM.
    pub fn from_value(value: Value) -> Error {
        Error {
            inner: Box::new(ErrorInner {
                value,
                message: String::new(),
                traceback: String::new(),
                handled: false,
                paused: false,
            }),
        }
    }

    /// The status a host call returns when it ran out of fuel in pause mode.
    pub(crate) fn paused() -> Error {
        let mut e = Error::from_value(Value::Nil);
        e.inner.paused = true;
        e.inner.message = crate::limits::FUEL_PAUSED.to_string();
        e
    }

    /// The call is suspended, not failed: refill the fuel and call `Vm::resume_paused`.
    pub fn is_paused(&self) -> bool {
        self.inner.paused
    }

    /// The error object.
    pub fn value(&self) -> Value {
        self.inner.value
    }

    /// The display message (filled at the host boundary).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// `stack traceback:\n\t...` (filled at the host boundary; empty if none was recorded).
    pub fn traceback(&self) -> &str {
        &self.inner.traceback
    }

    pub(crate) fn set_message(&mut self, m: String) {
        self.inner.message = m;
    }

    pub(crate) fn set_traceback(&mut self, t: String) {
        self.inner.traceback = t;
    }

    pub(crate) fn handled(&self) -> bool {
        self.inner.handled
    }

    pub(crate) fn set_handled(&mut self) {
        self.inner.handled = true;
    }

    pub(crate) fn has_traceback(&self) -> bool {
        !self.inner.traceback.is_empty()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {:?})", self.inner.message, self.inner.value)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    #[test]
    fn error_is_one_pointer() {
        assert_eq!(std::mem::size_of::<super::Error>(), 8);
    }
}
