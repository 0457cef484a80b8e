//! The value types the generated code uses where a plain Rust type would
//! lose something: secrets that never print, enumerations that accept
//! values a newer server adds, and scalars that servers write loosely.

pub(crate) mod date_time;
pub(crate) mod lenient_bool;
pub(crate) mod open_enum;
pub(crate) mod secret;

pub(crate) use open_enum::open_enum;
