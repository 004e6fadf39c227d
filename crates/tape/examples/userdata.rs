//! A Rust type scripts use as an object: methods, a field, metamethods, and the host reading
//! the same value afterwards.
use tape::{AnyUserData, Error, Tape, UserData, UserDataRegistry};

pub struct Vec2 {
    x: f64,
    y: f64,
}

impl UserData for Vec2 {
    fn register(r: &mut UserDataRegistry<Self>) {
        r.add_method("length", |_, v, ()| Ok(v.x.hypot(v.y)));
        r.add_method_mut("scale", |_, v, k: f64| {
            v.x *= k;
            v.y *= k;
            Ok(())
        });
        r.add_field("x", |_, v| Ok(v.x));
        r.add_meta_method("__tostring", |_, v, ()| Ok(format!("({}, {})", v.x, v.y)));
        r.add_meta_method("__add", |lua, a, b: AnyUserData| {
            let (bx, by) = b.borrow(lua, |b: &Vec2| (b.x, b.y))?;
            Ok(Vec2 {
                x: a.x + bx,
                y: a.y + by,
            })
        });
    }
}

pub fn main() -> Result<(), Error> {
    let mut lua = Tape::sandboxed()?;
    let new = lua.create_function(|_, (x, y): (f64, f64)| Ok(Vec2 { x, y }))?;
    lua.set_global("vec2", new)?;
    let v: AnyUserData = lua
        .chunk("local v = vec2(3, 4) + vec2(0, 0) v:scale(2) print(v, v:length(), v.x) return v")
        .eval()?;
    let (x, y) = v.borrow(&mut lua, |v: &Vec2| (v.x, v.y))?;
    println!("host sees ({x}, {y})");
    Ok(())
}
