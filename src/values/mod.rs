//! The value types the generated code uses where a plain Rust type would
//! lose something: secrets that never print, enumerations that accept
//! values a newer server adds, date-times and booleans as servers write them,
//! and the deserializers the generator attaches to number fields (`number`)
//! and to optional collections (`null`).

pub(crate) mod date_time;
pub(crate) mod lenient_bool;
pub mod null;
pub mod number;
pub(crate) mod open_enum;
mod refuse;
pub(crate) mod secret;

pub(crate) use open_enum::open_enum;
