// SPDX-License-Identifier: GPL-2.0

//! Safe abstractions over the VFS, for `lustre.ko`.
//!
//! The kernel's 6.12 Rust crate has no file system support, so this is our
//! own, over the compat shim (`rust/compat`) rather than raw kernel bindings:
//! the shim builds the kernel's operation tables, whose prototypes drift, and
//! calls fixed-prototype callbacks that the trampolines here turn into calls
//! of the [`FileSystem`] trait with safe types. All `unsafe` of the VFS layer
//! lives in this directory.
//!
//! As in Wedson Almeida Filho's VFS series, a kernel object is seen through
//! a transparent wrapper around `Opaque<T>` ([`Inode`], [`Dentry`]) that is
//! only ever used by reference, for as long as the VFS guarantees the object
//! lives (the duration of the callback).

mod dentry;
mod fs_type;
mod inode;
mod opaque;

pub use dentry::Dentry;
pub use fs_type::{FileSystem, Registration};
pub use inode::{Iattr, Inode, Kstat, Timespec};
