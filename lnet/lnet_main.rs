// SPDX-License-Identifier: GPL-2.0

//! `lnet.ko`: Lustre networking (LNet) and its TCP transport (socklnd).
//!
//! LNet moves messages between Lustre nodes named by NIDs
//! (`192.168.1.10@tcp`). This module is loaded before `lustre.ko`, which
//! uses it only through the C-ABI API of `lnet/api.h`, and it can be loaded
//! and tested on its own, as Lustre's `lnet.ko` can.
//!
//! So far the module registers itself and exports its API version; the
//! network itself is yet to come.

use kernel::prelude::*;

pub mod api;

/// The wire protocol (`rust/wire`), shared with `lustre.ko` and userspace.
#[path = "../rust/wire/src/wire.rs"]
pub mod wire;

module! {
    type: Lnet,
    name: "lnet",
    author: "Rustre developers",
    description: "Lustre networking (LNet) with the TCP transport",
    license: "GPL",
}

/// The loaded module.
struct Lnet;

impl kernel::Module for Lnet {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!(
            "Rustre LNet loaded, API version {}\n",
            api::LNET_API_VERSION
        );
        Ok(Lnet)
    }
}

impl Drop for Lnet {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
