//! The Lustre wire protocol, shared by the kernel modules and the userspace
//! programs: one source of truth for every structure and format on the wire.
//!
//! The crate is `no_std` and allocation-free. The kernel modules compile its
//! module tree (`wire.rs`) as a module `wire` of their own crate, through
//! `#[path]`; this crate does the same, so that the modules name each other
//! `crate::wire::...` in both builds, and re-exports the tree at its root.
//! Decoding never trusts the peer: a bad input is an error value, never a
//! panic.
#![no_std]
#![forbid(unsafe_code)]

/// The module tree, re-exported below.
#[path = "wire.rs"]
pub mod wire;

pub use wire::*;

/// Fuzzing entry points over every decoder (userspace only).
pub mod fuzzing;
