//! Random sequences of host calls on two `Tape`s, checked against a model: tables held by
//! rooted handles keep exactly what was stored in them through garbage churn and full
//! collections, values reachable only from Lua survive, and every use of a handle with the
//! other `Tape` is an `ErrorKind::Handle` error that changes nothing; Rust functions keep
//! their state and userdata their value across both. Deterministic;
//! `TAPE_API_FUZZ_STEPS` and `TAPE_API_FUZZ_SEED` make longer runs.

use std::collections::BTreeMap;
use tape::{AnyUserData, ErrorKind, Function, LuaValue, Table, Tape, UserData, UserDataRegistry};

struct Cell(i64);

impl UserData for Cell {
    fn register(r: &mut UserDataRegistry<Self>) {
        r.add_method_mut("bump", |_, c, ()| {
            c.0 += 1;
            Ok(c.0)
        });
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Model {
    Int(i64),
    Str(String),
    /// A table, known by its `id` field.
    Tab(i64),
}

struct Entry {
    tape: usize,
    id: i64,
    table: Table,
    fields: BTreeMap<i64, Model>,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn run(seed: u64, steps: u64) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut tapes = [Tape::new(), Tape::new()];
    let mut pool: Vec<Entry> = Vec::new();
    // What each table id holds, for tables reachable only from Lua.
    let mut by_id: BTreeMap<i64, usize> = BTreeMap::new();
    let mut next_id = 1;
    // Rust functions (with the count of their calls) and userdata (with their value).
    let mut funcs: Vec<(usize, Function, i64)> = Vec::new();
    let mut cells: Vec<(usize, AnyUserData, i64)> = Vec::new();
    for step in 0..steps {
        let ctx = format!("seed {seed} step {step}");
        // 80% the handle's own Tape, else the other one.
        let pick_tape = |rng: &mut Rng, own: usize| if rng.below(5) == 0 { 1 - own } else { own };
        match rng.below(10) {
            0 | 1 if pool.len() < 40 => {
                let r = rng.below(2);
                let t = tapes[r].create_table().unwrap();
                t.raw_set(&mut tapes[r], "id", next_id).unwrap();
                by_id.insert(next_id, r);
                pool.push(Entry {
                    tape: r,
                    id: next_id,
                    table: t,
                    fields: BTreeMap::new(),
                });
                next_id += 1;
            }
            2 | 3 if !pool.is_empty() => {
                let e = rng.below(pool.len());
                let r = pick_tape(&mut rng, pool[e].tape);
                let key = rng.below(6) as i64 + 1;
                let (result, model) = match rng.below(3) {
                    0 => {
                        let n = rng.next() as i64;
                        (pool[e].table.set(&mut tapes[r], key, n), Model::Int(n))
                    }
                    1 => {
                        let s = format!("s{}", rng.below(1000));
                        (
                            pool[e].table.set(&mut tapes[r], key, s.as_str()),
                            Model::Str(s),
                        )
                    }
                    _ => {
                        let f = rng.below(pool.len());
                        let child = pool[f].table.clone();
                        let ok_tape = pool[f].tape == pool[e].tape;
                        let id = pool[f].id;
                        let res = pool[e].table.set(&mut tapes[r], key, &child);
                        if r == pool[e].tape && !ok_tape {
                            let err = res.unwrap_err();
                            assert_eq!(err.kind(), ErrorKind::Handle, "{ctx}");
                            continue;
                        }
                        (res, Model::Tab(id))
                    }
                };
                if r == pool[e].tape {
                    result.unwrap();
                    pool[e].fields.insert(key, model);
                } else {
                    assert_eq!(result.unwrap_err().kind(), ErrorKind::Handle, "{ctx}");
                }
            }
            4 | 5 if !pool.is_empty() => {
                let e = rng.below(pool.len());
                let r = pick_tape(&mut rng, pool[e].tape);
                let key = rng.below(6) as i64 + 1;
                let got = pool[e].table.get::<LuaValue>(&mut tapes[r], key);
                if r != pool[e].tape {
                    assert_eq!(got.unwrap_err().kind(), ErrorKind::Handle, "{ctx}");
                    continue;
                }
                let got = got.unwrap();
                match pool[e].fields.get(&key).cloned() {
                    None => assert_eq!(got, LuaValue::Nil, "{ctx}"),
                    Some(Model::Int(n)) => assert_eq!(got, LuaValue::Integer(n), "{ctx}"),
                    Some(Model::Str(s)) => {
                        let back: String = tapes[r].unpack(&got).unwrap();
                        assert_eq!(back, s, "{ctx}");
                    }
                    Some(Model::Tab(id)) => {
                        let LuaValue::Table(child) = got else {
                            panic!("{ctx}: expected a table, got {got:?}");
                        };
                        assert_eq!(child.get::<i64>(&mut tapes[r], "id").unwrap(), id, "{ctx}");
                        assert_eq!(by_id.get(&id), Some(&r), "{ctx}");
                    }
                }
            }
            6 if !pool.is_empty() => {
                let e = rng.below(pool.len());
                let r = pick_tape(&mut rng, pool[e].tape);
                let pairs: Result<Vec<(LuaValue, LuaValue)>, _> =
                    pool[e].table.pairs(&mut tapes[r]).collect();
                if r != pool[e].tape {
                    assert_eq!(pairs.unwrap_err().kind(), ErrorKind::Handle, "{ctx}");
                } else {
                    assert_eq!(pairs.unwrap().len(), pool[e].fields.len() + 1, "{ctx}");
                }
            }
            7 if !pool.is_empty() => {
                pool.swap_remove(rng.below(pool.len()));
            }
            8 => match rng.below(6) {
                0 if funcs.len() < 8 => {
                    let r = rng.below(2);
                    let mut calls = 0i64;
                    let f = tapes[r]
                        .create_function(move |_, ()| {
                            calls += 1;
                            Ok(calls)
                        })
                        .unwrap();
                    funcs.push((r, f, 0));
                }
                1 if !funcs.is_empty() => {
                    let i = rng.below(funcs.len());
                    let r = pick_tape(&mut rng, funcs[i].0);
                    let got = funcs[i].1.call::<i64>(&mut tapes[r], ());
                    if r == funcs[i].0 {
                        funcs[i].2 += 1;
                        assert_eq!(got.unwrap(), funcs[i].2, "{ctx}");
                    } else {
                        assert_eq!(got.unwrap_err().kind(), ErrorKind::Handle, "{ctx}");
                    }
                }
                2 if cells.len() < 8 => {
                    let r = rng.below(2);
                    let n = rng.below(100) as i64;
                    let u = tapes[r].create_userdata(Cell(n)).unwrap();
                    cells.push((r, u, n));
                }
                3 if !cells.is_empty() => {
                    let i = rng.below(cells.len());
                    let r = pick_tape(&mut rng, cells[i].0);
                    let got = tapes[r].set_global("cell", &cells[i].1);
                    if r != cells[i].0 {
                        assert_eq!(got.unwrap_err().kind(), ErrorKind::Handle, "{ctx}");
                        continue;
                    }
                    got.unwrap();
                    cells[i].2 += 1;
                    let n: i64 = tapes[r].chunk("cell:bump()").eval().unwrap();
                    assert_eq!(n, cells[i].2, "{ctx}");
                    tapes[r].set_global("cell", LuaValue::Nil).unwrap();
                }
                4 if !cells.is_empty() => {
                    let i = rng.below(cells.len());
                    let r = pick_tape(&mut rng, cells[i].0);
                    let got = cells[i].1.borrow(&mut tapes[r], |c: &Cell| c.0);
                    if r == cells[i].0 {
                        assert_eq!(got.unwrap(), cells[i].2, "{ctx}");
                    } else {
                        assert_eq!(got.unwrap_err().kind(), ErrorKind::Handle, "{ctx}");
                    }
                }
                _ => {
                    if !funcs.is_empty() && rng.below(2) == 0 {
                        funcs.swap_remove(rng.below(funcs.len()));
                    } else if !cells.is_empty() {
                        cells.swap_remove(rng.below(cells.len()));
                    }
                }
            },
            _ => {
                let r = rng.below(2);
                tapes[r]
                    .chunk("for i = 1, 300 do local x = {i, tostring(i) .. 'x'} end")
                    .exec()
                    .unwrap();
                if rng.below(3) == 0 {
                    tapes[r].collect_garbage();
                }
            }
        }
    }
    // Dropping the handles and collecting frees what only they held.
    drop(pool);
    drop(funcs);
    drop(cells);
    for t in &mut tapes {
        t.collect_garbage();
        t.collect_garbage();
        let live: i64 = t.chunk("collectgarbage('count')").eval::<f64>().unwrap() as i64;
        assert!(live < 2048, "seed {seed}: {live} KB still live");
    }
}

#[test]
fn random_host_calls_on_two_tapes_match_the_model() {
    let steps = env_u64("TAPE_API_FUZZ_STEPS", 3000);
    let first = env_u64("TAPE_API_FUZZ_SEED", 1);
    for seed in first..first + 4 {
        run(seed, steps);
    }
}
