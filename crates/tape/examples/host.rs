//! A host exposes a small inventory API to an untrusted script and runs it in the sandbox,
//! under a memory cap and a fuel budget; runaway scripts end in errors, not in the host.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tape::{Error, Tape};

type Stock = Arc<Mutex<BTreeMap<String, i64>>>;

fn lock(stock: &Stock) -> Result<std::sync::MutexGuard<'_, BTreeMap<String, i64>>, Error> {
    stock
        .lock()
        .map_err(|_| Error::runtime("inventory lock poisoned"))
}

pub fn main() -> Result<(), Error> {
    let (fuel, memory) = (10_000_000, 8 << 20);
    let mut lua = Tape::builder()
        .sandboxed()
        .memory_limit(memory)
        .fuel(fuel)
        .build()?;
    let stock: Stock = Arc::default();
    let s = Arc::clone(&stock);
    let add = lua.create_function(move |_, (name, qty): (String, i64)| {
        let mut items = lock(&s)?;
        let total = items.entry(name).or_insert(0);
        *total += qty;
        Ok(*total)
    })?;
    let s = Arc::clone(&stock);
    let list = lua.create_function(move |_, ()| Ok(lock(&s)?.clone()))?;
    let inventory = lua.create_table_from([("add", add), ("list", list)])?;
    lua.set_global("inventory", inventory)?;

    let script = r#"
        inventory.add("apple", 3)
        inventory.add("pear", 5)
        local total, kinds = 0, 0
        for _, qty in pairs(inventory.list()) do total, kinds = total + qty, kinds + 1 end
        return inventory.add("apple", 2), total, kinds
    "#;
    let (apples, total, kinds): (i64, i64, i64) = lua.chunk(script).set_name("=script").eval()?;
    println!("apples: {apples}, total: {total}, kinds: {kinds}");
    println!("host sees: {:?}", lock(&stock)?);

    let untrusted = [
        "inventory.add({}, 1)",
        "while true do end",
        "local t = {} for i = 1, 1e8 do t[i] = i end",
        "os.execute('rm -rf /')",
    ];
    for src in untrusted {
        lua.vm().set_fuel(Some(fuel));
        if let Err(e) = lua.chunk(src).set_name("=untrusted").exec() {
            println!("{:?}: {}", e.kind(), e.message());
        }
    }
    Ok(())
}
