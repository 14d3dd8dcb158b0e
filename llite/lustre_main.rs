// SPDX-License-Identifier: GPL-2.0

//! `lustre.ko`: the Lustre client.
//!
//! One crate, in layers as in Lustre (`llite` over `lov`, `mdc`, `osc`,
//! `mgc`, `ldlm` and `ptlrpc`), over `lnet.ko`'s C API. Code shared with
//! `lnet.ko` and userspace (the wire protocol, the compat shim's Rust side,
//! the VFS abstractions) lives in `rust/` and is compiled in here.
//!
//! So far the module registers the `lustre` file system type, and a mount
//! reads the file system's configuration from the MGS and connects to its
//! MDTs and OSTs; reading the namespace is yet to come.

use kernel::prelude::*;

#[path = "../rust/compat/mod.rs"]
mod compat;

/// The wire protocol (`rust/wire`), shared with `lnet.ko` and userspace.
#[path = "../rust/wire/src/wire.rs"]
pub mod wire;

/// Safe abstractions over the VFS.
#[path = "../rust/vfs/mod.rs"]
pub mod vfs;

/// The API of `lnet.ko`.
#[path = "../rust/lnet_api/mod.rs"]
pub mod lnet_api;

/// Error codes the kernel crate does not name.
#[path = "../rust/errno.rs"]
pub mod errno;

/// Rate-limited logging and the wall-clock time.
#[path = "../rust/klog.rs"]
pub mod klog;

#[path = "../ptlrpc/mod.rs"]
mod ptlrpc;

#[path = "../mgc/mod.rs"]
mod mgc;

#[path = "../mdc/mod.rs"]
mod mdc;

#[path = "../osc/mod.rs"]
mod osc;

mod mount;
mod super_ops;

module! {
    type: Lustre,
    name: "lustre",
    author: "Rustre developers",
    description: "Lustre client file system",
    license: "GPL",
    alias: ["fs-lustre"],
}

/// The loaded module: the file system type stays registered while it lives.
struct Lustre {
    _fs: vfs::Registration<super_ops::LustreFs>,
}

impl kernel::Module for Lustre {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        lnet_api::check_version()?;
        let fs = vfs::Registration::new()?;
        pr_info!("Rustre Lustre client loaded\n");
        Ok(Lustre { _fs: fs })
    }
}

impl Drop for Lustre {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
