//! Userdata with methods, metamethods and fields, and the run-time borrow check.

use tape::{AnyUserData, ErrorKind, Function, Tape, UserData, UserDataRegistry};

struct Counter {
    n: i64,
    step: i64,
}

impl UserData for Counter {
    fn register(r: &mut UserDataRegistry<Self>) {
        r.add_method("get", |_, c, ()| Ok(c.n));
        r.add_method_mut("add", |_, c, k: Option<i64>| {
            c.n += k.unwrap_or(c.step);
            Ok(c.n)
        });
        // Calls back into Lua while the counter is borrowed.
        r.add_method_mut("each", |lua, c, f: Function| {
            for _ in 0..c.n {
                f.call::<()>(lua, ())?;
            }
            Ok(())
        });
        r.add_field("step", |_, c| Ok(c.step));
        r.add_meta_method("__tostring", |_, c, ()| Ok(format!("Counter({})", c.n)));
        r.add_meta_method("__len", |_, c, ()| Ok(c.n));
    }
}

struct Plain;
impl UserData for Plain {}

fn err(lua: &mut Tape, src: &str) -> String {
    lua.chunk(src)
        .set_name("=u")
        .exec()
        .unwrap_err()
        .message()
        .to_string()
}

#[test]
fn methods_fields_and_metamethods() {
    let mut lua = Tape::new();
    lua.set_global("c", Counter { n: 1, step: 10 }).unwrap();
    let out: (i64, i64, i64, String, i64, i64) = lua
        .chunk("return c:get(), c:add(), c:add(5), tostring(c), #c, c.step")
        .eval()
        .unwrap();
    assert_eq!(out, (1, 11, 16, "Counter(16)".to_string(), 16, 10));
    assert_eq!(lua.chunk("c.missing").eval::<Option<i64>>().unwrap(), None);
    assert_eq!(lua.chunk("type(c)").eval::<String>().unwrap(), "userdata");
    // The host reads and changes the same value.
    let c: AnyUserData = lua.get_global("c").unwrap();
    assert_eq!(c.borrow(&mut lua, |c: &Counter| c.n).unwrap(), 16);
    c.borrow_mut(&mut lua, |c: &mut Counter| c.n = 100).unwrap();
    assert_eq!(lua.chunk("c:get()").eval::<i64>().unwrap(), 100);
    assert!(c.is::<Counter>(&mut lua));
    assert!(!c.is::<Plain>(&mut lua));
    let e = c.borrow(&mut lua, |_: &Plain| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    assert_eq!(e.message(), "expected Plain, got Counter");
    let p = lua.create_userdata(Plain).unwrap();
    lua.set_global("p", &p).unwrap();
    assert_eq!(lua.chunk("p.anything").eval::<Option<i64>>().unwrap(), None);
}

#[test]
fn bad_self_and_bad_arguments_read_like_puc() {
    let mut lua = Tape::new();
    lua.set_global("c", Counter { n: 0, step: 1 }).unwrap();
    lua.set_global("p", Plain).unwrap();
    assert_eq!(
        err(&mut lua, "c:add('x')"),
        "u:1: bad argument #1 to 'add' (number expected, got string)"
    );
    assert_eq!(
        err(&mut lua, "c.add(p)"),
        "u:1: bad argument #1 to 'add' (Counter expected, got Plain)"
    );
    assert_eq!(
        err(&mut lua, "local get = c.get get(1)"),
        "u:1: bad argument #1 to 'get' (Counter expected, got number)"
    );
}

#[test]
fn reaching_a_borrowed_userdata_again_is_an_error() {
    let mut lua = Tape::new();
    lua.set_global("c", Counter { n: 2, step: 1 }).unwrap();
    assert_eq!(
        err(&mut lua, "c:each(function() c:add() end)"),
        "u:1: userdata Counter is in use by one of its methods (borrowed)"
    );
    // Another counter is fine, and the first one is usable afterwards.
    lua.set_global("d", Counter { n: 0, step: 1 }).unwrap();
    lua.chunk("c:each(function() d:add() end)").exec().unwrap();
    assert_eq!(
        lua.chunk("d:get(), c:get()").eval::<(i64, i64)>().unwrap(),
        (2, 2)
    );
}

#[test]
fn userdata_survives_collection_and_is_freed_after() {
    let mut lua = Tape::new();
    let c = lua.create_userdata(Counter { n: 7, step: 1 }).unwrap();
    lua.chunk("for i = 1, 10000 do local t = {i} end collectgarbage()")
        .exec()
        .unwrap();
    lua.collect_garbage();
    assert_eq!(c.borrow(&mut lua, |c: &Counter| c.n).unwrap(), 7);
    let mut other = Tape::new();
    assert_eq!(
        c.borrow(&mut other, |c: &Counter| c.n).unwrap_err().kind(),
        ErrorKind::Handle
    );
}
