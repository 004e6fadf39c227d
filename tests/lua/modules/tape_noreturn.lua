-- A module that returns nothing: require stores true.
NORETURN_RAN = true
