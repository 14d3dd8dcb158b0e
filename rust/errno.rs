// SPDX-License-Identifier: GPL-2.0

//! The error codes of networking that the kernel crate does not name yet,
//! with their values from the kernel's own (per-architecture) headers.

use kernel::error::Error;

macro_rules! errno {
    ($($fn:ident => $name:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        pub fn $fn() -> Error {
            // The errno constants are small positive numbers.
            Error::from_errno(-(kernel::bindings::$name as i32))
        }
    )*};
}

errno! {
    eaddrinuse => EADDRINUSE,
    ealready => EALREADY,
    eaddrnotavail => EADDRNOTAVAIL,
    econnreset => ECONNRESET,
    ehostunreach => EHOSTUNREACH,
    emsgsize => EMSGSIZE,
    eproto => EPROTO,
    eprotonosupport => EPROTONOSUPPORT,
    eshutdown => ESHUTDOWN,
    etimedout => ETIMEDOUT,
}
