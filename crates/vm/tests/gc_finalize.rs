//! Weak tables, ephemerons, finalizers (order, resurrection, errors, at close) and a deep
//! structure the collector must handle without Rust recursion.
#[allow(dead_code)]
use crate::common;

/// Runs `src`, then closes the VM (finalizers of live objects run); returns what was printed,
/// with `ERROR: msg` appended if the chunk failed.
fn run_closed(src: &str) -> String {
    let (mut vm, cap) = common::new_vm();
    let mut out = String::new();
    let f = vm.load(src.as_bytes(), "=input").expect("compiles");
    if let Err(e) = vm.call(f, &[]) {
        out.push_str("ERROR: ");
        out.push_str(e.message());
    }
    vm.close();
    let printed = String::from_utf8_lossy(&cap.0.lock().unwrap()).into_owned();
    printed + &out
}

#[test]
fn ephemeron_value_referring_to_its_key_is_collected() {
    let out = run_closed(
        "local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
         local e = setmetatable({}, {__mode = 'k'})
         do local k = {} e[k] = {ref = k} end
         local kept = {}
         e[kept] = {ref = kept}
         -- a chain: k2 is reachable only as the value of a live key
         local k2 = {}
         e[kept].next = k2
         e[k2] = {ref = k2}
         k2 = nil
         collectgarbage()
         print(count(e), e[kept].ref == kept)
         e['s' .. 1] = {}
         e[1] = {}
         collectgarbage()
         print(count(e))",
    );
    assert_eq!(out, "2\ttrue\n4\n");
}

#[test]
fn weak_values_and_all_weak_tables_are_cleared() {
    let out = run_closed(
        "local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
         local v = setmetatable({}, {__mode = 'v'})
         local kv = setmetatable({}, {__mode = 'kv'})
         local live = {}
         v[1], v[2], v[3], v.x = live, {}, 'str', function() end
         kv[live], kv[{}], kv.a = 1, 2, {}
         collectgarbage()
         print(count(v), v[1] == live, v[2], v[3], v.x, count(kv), kv[live])",
    );
    assert_eq!(out, "2\ttrue\tnil\tstr\tnil\t1\t1\n");
}

#[test]
fn finalizers_run_in_reverse_marking_order() {
    let out = run_closed(
        "local order = {}
         local objs = {}
         for i = 1, 4 do objs[i] = setmetatable({}, {__gc = function() order[#order + 1] = i end}) end
         -- marked last, so finalized first
         local late = {}
         setmetatable(late, {__gc = function() order[#order + 1] = 'late' end})
         objs = nil late = nil
         collectgarbage()
         print(table.concat(order, ' '))",
    );
    assert_eq!(out, "late 4 3 2 1\n");
}

#[test]
fn resurrected_object_is_finalized_once_and_weak_values_cleared_first() {
    let out = run_closed(
        "local saved, calls = nil, 0
         local wv = setmetatable({}, {__mode = 'v'})
         local wk = setmetatable({}, {__mode = 'k'})
         do
           local o = setmetatable({name = 'phoenix'}, {__gc = function(o)
             calls = calls + 1
             print('in gc', wv[1], wk[o])
             saved = o
           end})
           wv[1] = o
           wk[o] = 'key kept until finalized'
         end
         collectgarbage()
         print(saved.name, calls)
         saved = nil
         collectgarbage()
         collectgarbage()
         print(calls)",
    );
    assert_eq!(out, "in gc\tnil\tkey kept until finalized\nphoenix\t1\n1\n");
}

#[test]
fn finalizer_errors_do_not_propagate() {
    let out = run_closed(
        "setmetatable({}, {__gc = function() error('boom') end})
         setmetatable({}, {__gc = function() coroutine.yield() end})
         collectgarbage()
         print('after')",
    );
    assert_eq!(out, "after\n");
}

#[test]
fn finalizers_run_at_close_newest_first() {
    let out = run_closed(
        "a = setmetatable({}, {__gc = function() print('a') end})
         b = setmetatable({}, {__gc = function() print('b')
           setmetatable({}, {__gc = function() print('never') end}) end})
         print('end of chunk')",
    );
    assert_eq!(out, "end of chunk\nb\na\n");
}

#[test]
fn close_is_idempotent_and_drop_closes() {
    let (mut vm, cap) = common::new_vm();
    let f = vm
        .load(
            b"x = setmetatable({}, {__gc = function() print('fin') end})",
            "=input",
        )
        .unwrap();
    vm.call(f, &[]).unwrap();
    vm.close();
    vm.close();
    assert_eq!(String::from_utf8_lossy(&cap.0.lock().unwrap()), "fin\n");

    let (mut vm, cap) = common::new_vm();
    let f = vm
        .load(
            b"x = setmetatable({}, {__gc = function() print('dropped') end})",
            "=input",
        )
        .unwrap();
    vm.call(f, &[]).unwrap();
    drop(vm);
    assert_eq!(String::from_utf8_lossy(&cap.0.lock().unwrap()), "dropped\n");
}

#[test]
fn userdata_finalizer_and_payload() {
    let (mut vm, cap) = common::new_vm();
    let mt = vm.new_table().unwrap();
    let f = vm
        .load(b"return function(u) print('ud gc', type(u)) end", "=input")
        .unwrap();
    let gc = vm.call(f, &[]).unwrap()[0];
    vm.set_field(mt, "__gc", gc).unwrap();
    let u = vm.new_userdata(Box::new(41i32), Some(mt)).unwrap();
    *vm.userdata_ref_mut::<i32>(u).unwrap() += 1;
    assert_eq!(vm.userdata_ref::<i32>(u), Some(&42));
    assert_eq!(vm.userdata_ref::<u8>(u), None);
    vm.collect_garbage();
    assert_eq!(
        String::from_utf8_lossy(&cap.0.lock().unwrap()),
        "ud gc\tuserdata\n"
    );
}

#[test]
fn deep_linked_list_is_marked_without_recursion() {
    let n = if cfg!(debug_assertions) {
        1_000_000
    } else {
        10_000_000
    };
    let (mut vm, _cap) = common::new_vm();
    let src = format!(
        "local l
         for i = 1, {n} do l = {{next = l}} end
         collectgarbage()
         local c, p = 0, l
         while p do c = c + 1 p = p.next end
         l, p = nil, nil
         collectgarbage()
         return c, collectgarbage('count')"
    );
    let f = vm.load(src.as_bytes(), "=deep").unwrap();
    let r = vm.call(f, &[]).unwrap();
    assert!(matches!(r[0], tape_vm::Value::Int(c) if c == n));
    assert!(matches!(r[1], tape_vm::Value::Float(kb) if kb < 10_000.0));
}
