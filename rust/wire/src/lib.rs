//! The Lustre wire protocol, shared by the kernel modules and the userspace
//! programs: one source of truth for every structure and format on the wire.
//!
//! The crate is `no_std` and allocation-free. The kernel modules compile it as
//! a module of their own crate (`#[path]` to [`wire.rs`](self)), so the module
//! tree lives in `wire.rs` and this file only adds the crate-level attributes.
//! Decoding never trusts the peer: a bad input is an error value, never a
//! panic.
#![no_std]
#![forbid(unsafe_code)]

include!("wire.rs");
