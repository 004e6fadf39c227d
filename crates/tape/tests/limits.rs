//! Sandbox limits through the embedding API: the fuel budget (instructions plus the work of
//! long-running library functions) and the interrupt flag. Each limit ends guest code with a
//! `Result::Err`, cannot be swallowed by a guest `pcall`, and leaves the VM usable.

use std::sync::atomic::Ordering;
use tape::Tape;

fn run(t: &mut Tape, src: &str) -> Result<String, String> {
    match t.exec(src.as_bytes(), "=limits", &[]) {
        Ok(vals) => {
            let mut out = Vec::new();
            for v in vals {
                out.push(t.display(v).map_err(|e| e.message().to_string())?);
            }
            Ok(out.join("\t"))
        }
        Err(e) => Err(e.message().to_string()),
    }
}

/// The kind and message of the error `src` ends in.
fn error_of(t: &mut Tape, src: &str) -> (tape::ErrorKind, String) {
    let e = t.chunk(src).set_name("=limits").exec().unwrap_err();
    (e.kind(), e.message().to_string())
}

#[test]
fn fuel_stops_a_runaway_loop_and_the_vm_stays_usable() {
    let mut t = Tape::new();
    t.vm().set_fuel(Some(10_000));
    assert_eq!(
        run(&mut t, "while true do end"),
        Err("limits:1: fuel exhausted".to_string())
    );
    assert_eq!(t.vm().fuel(), Some(0));
    // Still exhausted: nothing more runs until the host gives more fuel.
    assert_eq!(
        run(&mut t, "return 1"),
        Err("limits:1: fuel exhausted".to_string())
    );
    t.vm().set_fuel(None);
    assert_eq!(run(&mut t, "return 1 + 1"), Ok("2".to_string()));
}

#[test]
fn fuel_counts_instructions_deterministically() {
    let src = "n = 0 while true do n = n + 1 end";
    let mut counts = Vec::new();
    for _ in 0..2 {
        let mut t = Tape::new();
        t.vm().set_fuel(Some(50_000));
        assert!(run(&mut t, src).is_err());
        t.vm().set_fuel(None);
        counts.push(run(&mut t, "return n").unwrap());
    }
    assert_eq!(counts[0], counts[1]);
    // Each iteration is a handful of instructions: the count is near 50000 / 4.
    let n: i64 = counts[0].parse().unwrap();
    assert!((5_000..=25_000).contains(&n), "{n}");
}

#[test]
fn fuel_left_is_reported_and_unused_fuel_remains() {
    let mut t = Tape::new();
    t.vm().set_fuel(Some(1_000_000));
    assert_eq!(
        run(
            &mut t,
            "local s = 0 for i = 1, 100 do s = s + i end return s"
        ),
        Ok("5050".to_string())
    );
    let left = t.vm().fuel().unwrap();
    assert!(left < 1_000_000 && left > 990_000, "{left}");
}

#[test]
fn pcall_cannot_swallow_exhaustion() {
    let mut t = Tape::new();
    t.vm().set_fuel(Some(100_000));
    let r = run(
        &mut t,
        "while true do pcall(function() while true do end end) end",
    );
    assert_eq!(r, Err("limits:1: fuel exhausted".to_string()));
}

#[test]
fn library_work_is_charged() {
    // Each of these does far more work than its few instructions; the budget stops it.
    for src in [
        "return #string.rep('x', 10000000)",
        "return string.find(string.rep('a', 100000), '.-b')",
        "local t = {} for i = 1, 10 do t[i] = i end return #table.concat(t, ',', 1, 10) + #string.rep('ab', 5000000, ',')",
        "local t = {} for i = 1, 1000 do t[i] = i end for _ = 1, 20 do table.sort(t, function(a, b) return a > b end) end",
        "local t = {} for i = 1, 200000 do t[i] = i end return #t",
        "return select('#', table.unpack({}, 1, 500000))",
    ] {
        let mut t = Tape::new();
        t.vm().set_fuel(Some(200_000));
        let r = run(&mut t, src);
        assert!(
            matches!(&r, Err(m) if m.ends_with("fuel exhausted")),
            "{src}: {r:?}"
        );
    }
}

#[test]
fn interrupt_from_another_thread() {
    let mut t = Tape::new();
    let flag = t.vm().interrupt_handle();
    let setter = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(50));
            flag.store(true, Ordering::Relaxed);
        })
    };
    let r = run(&mut t, "local i = 0\nwhile true do i = i + 1 end");
    setter.join().unwrap();
    assert_eq!(r, Err("limits:2: interrupted".to_string()));
    // Sticky until the host clears it.
    assert_eq!(
        run(&mut t, "return 1"),
        Err("limits:1: interrupted".to_string())
    );
    flag.store(false, Ordering::Relaxed);
    assert_eq!(run(&mut t, "return 'again'"), Ok("again".to_string()));
}

#[test]
fn limits_also_apply_inside_coroutines_and_metamethods() {
    for src in [
        "local co = coroutine.wrap(function() while true do end end) co()",
        "local t = setmetatable({}, {__index = function() while true do end end}) return t.x",
    ] {
        let mut t = Tape::new();
        t.vm().set_fuel(Some(100_000));
        let r = run(&mut t, src);
        assert!(
            matches!(&r, Err(m) if m.ends_with("fuel exhausted")),
            "{src}: {r:?}"
        );
    }
}

#[test]
fn an_unarmed_flag_stops_every_kind_of_loop_at_its_back_jump() {
    for src in [
        "while true do end",
        "repeat local x = 1 until false",
        "local x = 1 repeat until x == 2",
        "local x = 1 repeat until x < 0",
        "local x, y = 1, 2 repeat until x > y",
        "local x = 'a' repeat until x == 'b'",
        "local x repeat local y = x until y",
        "local x = 1 repeat until x >= 3.5",
        "for i = 1, math.maxinteger do end",
        "for i = 1.0, math.huge do end",
        "for k in function() return 1 end do end",
        "::top:: goto top",
        "local function f() return f() end f()",
    ] {
        let mut t = Tape::new();
        // Not `interrupt_handle`: the interpreter stays in its unlimited loop.
        let flag = t.vm().interrupt_flag();
        let (tx, rx) = std::sync::mpsc::channel();
        // The script runs on its own thread, so a loop the flag fails to stop fails the test
        // (after the timeout below) instead of hanging it.
        std::thread::spawn(move || {
            let r = run(&mut t, src);
            let _ = tx.send((r, t));
        });
        std::thread::sleep(std::time::Duration::from_millis(30));
        flag.store(true, Ordering::Relaxed);
        let (r, mut t) = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{src}: not interrupted"));
        assert!(
            matches!(&r, Err(m) if m.ends_with("interrupted")),
            "{src}: {r:?}"
        );
        flag.store(false, Ordering::Relaxed);
        assert_eq!(run(&mut t, "return 'again'"), Ok("again".to_string()));
    }
}

#[test]
fn a_deadline_stops_loops_and_long_pattern_matches() {
    for (src, want) in [
        (
            "local i = 0\nwhile true do i = i + 1 end",
            "limits:2: time limit exceeded",
        ),
        (
            "local s = string.rep('a', 5000)\nreturn s:find('.-.-.-b')",
            "limits:2: time limit exceeded",
        ),
        (
            "local s = string.rep('a', 5000)\nreturn (s:gsub('.-.-.-b', 'x'))",
            "limits:2: time limit exceeded",
        ),
    ] {
        let mut t = Tape::new();
        let start = std::time::Instant::now();
        t.vm()
            .set_deadline(Some(start + std::time::Duration::from_millis(100)));
        assert_eq!(run(&mut t, src), Err(want.to_string()), "{src}");
        // Stopped promptly (generous bound: the machine may be loaded).
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "{src}");
        // Still past the deadline: nothing runs until the host moves or clears it.
        assert_eq!(
            run(&mut t, "local n = 0 for i = 1, 1e9 do n = n + 1 end"),
            Err("limits:1: time limit exceeded".to_string())
        );
        t.vm().set_deadline(None);
        assert_eq!(run(&mut t, "return 1 + 1"), Ok("2".to_string()));
    }
}

#[test]
fn thread_stacks_count_against_the_memory_cap() {
    // Suspended coroutines deep in recursion hold big stacks: they are memory like any other.
    let src = "local cos = {}\n\
               local function deep(n) if n == 0 then coroutine.yield() return 0 end return 1 + deep(n - 1) end\n\
               for i = 1, 1000 do\n\
                 local co = coroutine.create(deep)\n\
                 local ok, e = coroutine.resume(co, 50000)\n\
                 if not ok then error(e, 0) end\n\
                 cos[i] = co\n\
               end";
    let mut t = Tape::builder().memory_limit(32 << 20).build().unwrap();
    assert_eq!(run(&mut t, src), Err("not enough memory".to_string()));
    assert!(
        t.vm().memory_used() <= 32 << 20,
        "used {}",
        t.vm().memory_used()
    );
    // Without a cap, `collectgarbage("count")` sees them too.
    let mut t = Tape::new();
    let counted = run(
        &mut t,
        "local before = collectgarbage('count')\n\
         local function deep(n) if n == 0 then coroutine.yield() return 0 end return 1 + deep(n - 1) end\n\
         local co = coroutine.create(deep) coroutine.resume(co, 50000)\n\
         collectgarbage()\n\
         return collectgarbage('count') - before > 1000",
    );
    assert_eq!(counted, Ok("true".to_string()));
}

#[test]
fn load_of_a_huge_chunk_under_a_cap_fails_before_compiling() {
    let mut t = Tape::builder().memory_limit(16 << 20).build().unwrap();
    assert_eq!(
        run(
            &mut t,
            "local src = 'return ' .. string.rep('1+', 2^20) .. '1'\nreturn load(src)"
        ),
        Ok("nil\tnot enough memory".to_string())
    );
    assert_eq!(
        run(&mut t, "return load('return 40 + 2')()"),
        Ok("42".to_string())
    );
}

#[test]
fn native_nesting_limit_is_configurable() {
    // An `__index` function that indexes again nests one native level per step.
    let src = "local d = 0
               local t = setmetatable({}, {__index = function(t, k) d = d + 1 return t[k + 1] end})
               local ok, e = pcall(function() return t[1] end)
               return d, e";
    let mut deep = Tape::new();
    let (d_default, e): (i64, String) = deep.chunk(src).set_name("=c").eval().unwrap();
    assert_eq!(e, "c:2: C stack overflow");
    let mut shallow = Tape::builder().c_limit(40).build().unwrap();
    let (d_40, e): (i64, String) = shallow.chunk(src).set_name("=c").eval().unwrap();
    assert_eq!(e, "c:2: C stack overflow");
    // Each level below the limit is one more step.
    assert_eq!(d_default - d_40, i64::from(tape_vm::MAX_C_DEPTH - 2) - 40);
    // Values past the safe maximum are clamped to it.
    let mut huge = Tape::builder().c_limit(u16::MAX).build().unwrap();
    let (d_huge, _): (i64, String) = huge.chunk(src).set_name("=c").eval().unwrap();
    assert_eq!(d_huge, d_default);
}

#[test]
fn coroutine_count_limit_counts_live_ones() {
    let mut t = Tape::builder().thread_limit(10).build().unwrap();
    let src = "local cs = {} for i = 1, 10 do cs[i] = coroutine.create(print) end
               local ok, e = pcall(function() return coroutine.create(print) end)
               return ok, e";
    assert_eq!(
        run(&mut t, src),
        Ok("false\tlimits:2: too many coroutines".to_string())
    );
    // Unreachable coroutines are collected to make room (the table above is garbage now),
    // and `coroutine.wrap` counts the same.
    assert_eq!(
        run(
            &mut t,
            "local n = 0 for i = 1, 1000 do coroutine.wrap(print) n = n + 1 end return n"
        ),
        Ok("1000".to_string())
    );
}

#[test]
fn call_timeout_applies_to_each_host_call_afresh() {
    use std::time::{Duration, Instant};
    let mut t = Tape::builder()
        .call_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let busy = t
        .create_function(|_, ms: u64| {
            let end = Instant::now() + Duration::from_millis(ms);
            while Instant::now() < end {}
            Ok(())
        })
        .unwrap();
    t.set_global("busy", busy).unwrap();
    // 250 ms each: under the limit every time, though together well past it.
    for _ in 0..3 {
        assert_eq!(run(&mut t, "busy(250) return 'ok'"), Ok("ok".to_string()));
    }
    // A host function's return is a place where the deadline is seen.
    assert_eq!(
        error_of(&mut t, "while true do busy(50) end"),
        (
            tape::ErrorKind::Deadline,
            "limits:1: time limit exceeded".to_string()
        )
    );
    // The next failure is told apart: no stale deadline.
    t.vm().set_fuel(Some(1000));
    assert_eq!(
        error_of(&mut t, "while true do end"),
        (
            tape::ErrorKind::Fuel,
            "limits:1: fuel exhausted".to_string()
        )
    );
}

#[test]
fn a_pattern_out_of_fuel_is_a_fuel_error() {
    let mut t = Tape::builder().fuel(100_000).build().unwrap();
    assert_eq!(
        error_of(&mut t, "return ('a'):rep(40):find(('a*'):rep(40) .. 'b')"),
        (
            tape::ErrorKind::Fuel,
            "limits:1: fuel exhausted".to_string()
        )
    );
    assert_eq!(t.fuel(), Some(0));
}
