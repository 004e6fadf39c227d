//! Fuel pause mode: a host call that runs out of fuel is suspended, not failed, and resuming
//! it after refills gives exactly the output and results of one uninterrupted run, whatever
//! the refill sizes — through coroutines, pcall, metamethods, to-be-closed variables, natives
//! that call back into Lua (where the budget is overdrawn instead) and hooks.
use crate::common;

use tape_vm::{Value, Vm};

const PROGRAM: &str = r#"
local out = {}
local function log(...) out[#out + 1] = table.concat({...}, " ") end
-- plain loops and calls
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
log("fib", fib(15))
-- coroutines: the pause may fall inside a coroutine's body
local gen = coroutine.wrap(function()
  for i = 1, 30 do coroutine.yield(i * i) end
end)
local s = 0
for _ = 1, 30 do s = s + gen() end
log("squares", s)
-- pcall and errors
local ok, err = pcall(function() local t = nil; return t.x end)
log("pcall", tostring(ok), err)
-- metamethods and string building
local mt = { __add = function(a, b) return a.v + b.v end, __index = function(_, k) return k .. "!" end }
local a, b = setmetatable({ v = 2 }, mt), setmetatable({ v = 3 }, mt)
log("meta", a + b, a.key)
-- natives calling back into Lua: sort with a comparator, gsub with a function
local t = {}
for i = 1, 200 do t[i] = (i * 7919) % 211 end
table.sort(t, function(x, y) return x > y end)
log("sort", t[1], t[100], t[200])
log("gsub", (("abcdef"):rep(20):gsub("%w", function(c) return c:upper() end)))
-- to-be-closed variables
do
  local c <close> = setmetatable({}, { __close = function() log("closed") end })
  for i = 1, 50 do s = s + i end
end
print(table.concat(out, "\n"))
return s, #out
"#;

/// Runs PROGRAM with a fuel budget in pause mode, refilling by the sizes `refill` gives in
/// turn; returns the output, the results and the number of pauses.
fn run_split(refill: &mut dyn FnMut() -> u64) -> (String, Vec<Value>, usize) {
    let (mut vm, cap) = common::new_vm();
    let f = vm.load(PROGRAM.as_bytes(), "=input").unwrap();
    vm.set_fuel(Some(refill()));
    vm.set_fuel_pause(true);
    let mut pauses = 0;
    let mut r = vm.call(f, &[]);
    loop {
        match r {
            Err(e) if e.is_paused() => {
                assert!(vm.is_paused());
                pauses += 1;
                vm.add_fuel(refill());
                r = vm.resume_paused();
            }
            Err(e) => panic!("failed: {}", e.message()),
            Ok(v) => {
                assert!(!vm.is_paused());
                vm.flush_output();
                let out = String::from_utf8_lossy(&cap.0.lock().unwrap()).into_owned();
                return (out, v, pauses);
            }
        }
    }
}

#[test]
fn split_runs_match_one_run() {
    let (out, res, pauses) = run_split(&mut || 100_000_000);
    assert_eq!(pauses, 0);
    assert!(
        out.starts_with("fib 610\nsquares 9455\npcall false input:"),
        "{out}"
    );
    assert!(out.ends_with("closed\n"), "{out}");
    assert_eq!(
        format!("{res:?}"),
        format!("{:?}", [Value::Int(9455 + 1275), Value::Int(7)])
    );
    for size in [1u64, 2, 3, 7, 64, 1000] {
        let (o, r, p) = run_split(&mut || size);
        assert_eq!(o, out, "refills of {size}");
        assert_eq!(format!("{r:?}"), format!("{res:?}"), "refills of {size}");
        assert!(p > 0, "refills of {size}");
    }
    // Irregular refills (a fixed pseudo-random sequence).
    let mut x: u64 = 12345;
    let (o, r, p) = run_split(&mut || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % 500 + 1
    });
    assert_eq!(o, out);
    assert_eq!(format!("{r:?}"), format!("{res:?}"));
    assert!(p > 10);
}

#[test]
fn exact_accounting_across_pauses() {
    // With refills of one unit, every instruction pauses once: the pauses count the
    // instructions, the same number a single run charges.
    let (mut vm, _) = common::new_vm();
    let f = vm
        .load(
            b"local s = 0 for i = 1, 10 do s = s + i end return s",
            "=input",
        )
        .unwrap();
    vm.set_fuel(Some(1_000));
    let r = vm.call(f, &[]).unwrap();
    let used = 1_000 - vm.fuel().unwrap();
    assert_eq!(format!("{r:?}"), format!("{:?}", [Value::Int(55)]));

    let f = vm
        .load(
            b"local s = 0 for i = 1, 10 do s = s + i end return s",
            "=input",
        )
        .unwrap();
    vm.set_fuel(Some(0));
    vm.set_fuel_pause(true);
    let mut r = vm.call(f, &[]);
    let mut pauses = 0;
    while matches!(&r, Err(e) if e.is_paused()) {
        pauses += 1;
        vm.add_fuel(1);
        r = vm.resume_paused();
    }
    assert_eq!(
        format!("{:?}", r.unwrap()),
        format!("{:?}", [Value::Int(55)])
    );
    assert_eq!(pauses as u64, used);
    assert_eq!(vm.fuel(), Some(0));
}

#[test]
fn no_other_code_runs_while_paused_and_cancel_fails_the_call() {
    let (mut vm, _) = common::new_vm();
    let f = vm
        .load(b"local x <close> = setmetatable({}, {__close = function() closed = true end}) while true do end", "=input")
        .unwrap();
    vm.set_fuel(Some(100));
    vm.set_fuel_pause(true);
    let e = vm.call(f, &[]).unwrap_err();
    assert!(e.is_paused());
    assert_eq!(e.message(), "fuel exhausted (paused)");
    let g = vm.load(b"return 1", "=other").unwrap();
    assert_eq!(
        vm.call(g, &[]).unwrap_err().message(),
        "cannot run Lua code while a call is paused (resume or cancel it first)"
    );
    // Resuming without a refill pauses again at once.
    assert!(vm.resume_paused().unwrap_err().is_paused());
    let e = vm.cancel_paused().unwrap_err();
    assert!(!e.is_paused());
    assert_eq!(e.message(), "input:1: fuel exhausted");
    assert!(!vm.is_paused());
    // The call is over: other code runs again.
    vm.set_fuel(None);
    assert_eq!(
        format!("{:?}", vm.call(g, &[]).unwrap()),
        format!("{:?}", [Value::Int(1)])
    );
    assert_eq!(
        vm.resume_paused().unwrap_err().message(),
        "no call is paused"
    );
    // Cancelling with nothing paused changes nothing.
    vm.set_fuel(Some(50));
    assert_eq!(
        vm.cancel_paused().unwrap_err().message(),
        "no call is paused"
    );
    assert_eq!(vm.fuel(), Some(50));
}

#[test]
fn callbacks_overdraw_then_fail() {
    // A comparator that never returns cannot be suspended (a native is in the middle of
    // sorting): it runs on past the budget, up to the overdraft, then fails.
    let (mut vm, _) = common::new_vm();
    let f = vm
        .load(
            b"table.sort({3, 2, 1}, function(a, b) while true do end end)",
            "=input",
        )
        .unwrap();
    vm.set_fuel(Some(1_000));
    vm.set_fuel_pause(true);
    let e = vm.call(f, &[]).unwrap_err();
    assert!(!e.is_paused());
    assert_eq!(e.message(), "input:1: fuel exhausted");
    let left = vm.fuel().unwrap();
    assert_eq!(left, 0);
}

fn _assert_vm_send(v: Vm) -> impl Send {
    v
}

#[test]
fn many_callbacks_share_one_overdraft() {
    // Every comparator call overdraws a little; together they stop at the fixed floor rather
    // than each getting an allowance of its own.
    let (mut vm, _) = common::new_vm();
    let f = vm
        .load(
            b"local t = {} for i = 1, 20000 do t[i] = (i * 7919) % 20011 end \
              table.sort(t, function(a, b) for _ = 1, 100 do end return a < b end)",
            "=input",
        )
        .unwrap();
    vm.set_fuel(Some(200_000));
    vm.set_fuel_pause(true);
    let e = vm.call(f, &[]).unwrap_err();
    assert!(!e.is_paused());
    assert_eq!(e.message(), "input:1: fuel exhausted");
}
