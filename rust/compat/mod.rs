// SPDX-License-Identifier: GPL-2.0

//! The Rust side of the compat shim.
//!
//! `compat.h` declares the C functions of `rust/compat/*.c`, which hide every
//! kernel API that changes between releases; bindgen turns it into
//! `generated/compat.rs` when the module is built, so the Rust declarations
//! always match the C ones. Only the safe abstractions in `rust/vfs` use these
//! raw declarations.

/// The declarations generated from `compat.h`.
#[allow(
    dead_code,
    missing_docs,
    non_camel_case_types,
    unreachable_pub,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]
pub(crate) mod bindings {
    include!("../generated/compat.rs");
}
