use crate::common;
use common::run;

#[test]
fn hello() {
    assert_eq!(
        run("print('hello', 1, 2.5, nil, true)"),
        "hello\t1\t2.5\tnil\ttrue\n"
    );
}
