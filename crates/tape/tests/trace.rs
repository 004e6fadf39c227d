//! The execution trace through the host API (`Vm::set_trace`): lines go to the host's sink,
//! the limit ends tracing with one last line, turning it off restores the fast loop, and results
//! are the same traced or not (including coroutines, pcall and metamethods).

use std::sync::{Arc, Mutex};
use tape::{Tape, TraceFn};

const PROGRAM: &str = "\
local mt = {__add = function(a, b) return a.v + b.v end}
local a, b = setmetatable({v = 1}, mt), setmetatable({v = 2}, mt)
local co = coroutine.wrap(function(x) local y = coroutine.yield(x + 1) return y * 2 end)
local ok, err = pcall(error, 'e')
return a + b, co(1), co(5), ok, err";

fn sink() -> (TraceFn, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    let f: TraceFn = Box::new(move |s: &str| l.lock().unwrap().push(s.to_string()));
    (f, lines)
}

fn run(lua: &mut Tape) -> String {
    let v: (i64, i64, i64, bool, String) = lua.chunk(PROGRAM).eval().unwrap();
    format!("{v:?}")
}

#[test]
fn traced_and_untraced_runs_agree() {
    let mut plain = Tape::new();
    let expected = run(&mut plain);
    assert_eq!(expected, "(3, 2, 10, false, \"e\")");
    let mut lua = Tape::new();
    let (f, lines) = sink();
    lua.vm().set_trace(Some(f), None);
    assert!(lua.vm().tracing());
    assert_eq!(run(&mut lua), expected);
    let lines = lines.lock().unwrap();
    assert!(lines.len() > 30, "{}", lines.len());
    // The metamethod and the coroutine body run one level deeper than the main chunk.
    assert!(
        lines.iter().any(|l| l.starts_with("2 function <")),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| l != "trace limit reached"));
}

#[test]
fn the_limit_ends_tracing() {
    let mut lua = Tape::new();
    let (f, lines) = sink();
    lua.vm().set_trace(Some(f), Some(5));
    assert_eq!(run(&mut lua), "(3, 2, 10, false, \"e\")");
    assert!(!lua.vm().tracing());
    let lines = lines.lock().unwrap();
    assert_eq!(
        lines.last().map(String::as_str),
        Some("trace limit reached")
    );
    assert_eq!(lines.iter().filter(|l| l.contains(" line ")).count(), 5);
}

#[test]
fn tracing_can_be_turned_off() {
    let mut lua = Tape::new();
    let (f, lines) = sink();
    lua.vm().set_trace(Some(f), None);
    lua.vm().set_trace(None, None);
    assert!(!lua.vm().tracing());
    assert_eq!(run(&mut lua), "(3, 2, 10, false, \"e\")");
    assert!(lines.lock().unwrap().is_empty());
}
