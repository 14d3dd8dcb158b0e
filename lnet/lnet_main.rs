// SPDX-License-Identifier: GPL-2.0

//! `lnet.ko`: Lustre networking (LNet) and its TCP transport (socklnd).
//!
//! LNet moves messages between Lustre nodes named by NIDs
//! (`192.168.1.10@tcp`). This module is loaded before `lustre.ko`, which
//! uses it only through the C-ABI API of `lnet/api.h`, and it can be loaded
//! and tested on its own, as Lustre's `lnet.ko` can:
//!
//! ```text
//! modprobe lnet networks="tcp0(eth0)" accept=secure accept_port=988
//! lctl network up
//! lctl list_nids
//! lctl ping 192.168.1.10@tcp
//! ```
//!
//! So far: the module parameters, the networks (brought up by `lctl network
//! up` or the first ioctl that needs them), the acceptor, socklnd V3 (and
//! V2) connections in both directions with queued sends, the loopback
//! (`0@lo`), LNet pings in both directions, `/dev/lnet` for `lctl`, and
//! the API of `lnet/api.h`: memory descriptors attached to portals or
//! bound, PUT, GET, REPLY and ACK, and their events.

// `pin_init!` of LNet's state, with its many locks, nests deeper than the
// default limit.
#![recursion_limit = "256"]

use kernel::c_str;
use kernel::prelude::*;
use kernel::sync::Arc;

mod acceptor;
pub mod api;
mod config;
mod connd;
mod ctl;
mod lib_move;
mod lnd;
mod lolnd;
mod md;
mod ni;
mod peer;
mod socklnd;
mod stats;

#[path = "../rust/compat/mod.rs"]
mod compat;

/// debugfs files.
#[path = "../rust/debugfs.rs"]
pub mod debugfs;

/// Fragments of memory that data moves between.
#[path = "../rust/frag.rs"]
pub mod frag;

/// Error codes the kernel crate does not name.
#[path = "../rust/errno.rs"]
pub mod errno;

/// Joinable kernel threads.
#[path = "../rust/kthread.rs"]
pub mod kthread;

/// Rate-limited logging.
#[path = "../rust/klog.rs"]
pub mod klog;

/// Misc character devices.
#[path = "../rust/miscdev.rs"]
pub mod miscdev;

/// Kernel sockets and interface addresses.
#[path = "../rust/net/mod.rs"]
pub mod net;

/// The wire protocol (`rust/wire`), shared with `lustre.ko` and userspace.
#[path = "../rust/wire/src/wire.rs"]
pub mod wire;

module! {
    type: LnetModule,
    name: "lnet",
    author: "Rustre developers",
    description: "Lustre networking (LNet) with the TCP transport",
    license: "GPL",
}

/// The loaded module: LNet's state, and its control device.
struct LnetModule {
    state: Arc<ctl::LnetCtl>,
    dev: Option<miscdev::MiscDevice<ctl::LnetCtl>>,
    _stats_file: debugfs::DebugfsFile<stats::Stats>,
    _socklnd_file: debugfs::DebugfsFile<stats::SocklndStats>,
}

impl kernel::Module for LnetModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let config = config::Config::from_params()?;
        let stats = Arc::new(stats::Stats::default(), GFP_KERNEL)?;
        let stats_file =
            debugfs::DebugfsFile::create(c_str!("lnet"), c_str!("stats"), stats.clone())?;
        let socklnd = Arc::new(stats::SocklndStats(stats.clone()), GFP_KERNEL)?;
        let socklnd_file =
            debugfs::DebugfsFile::create(c_str!("socklnd"), c_str!("stats"), socklnd)?;
        let state = Arc::pin_init(ctl::LnetCtl::new(config, stats), GFP_KERNEL)?;
        let dev = miscdev::MiscDevice::register(
            c_str!("lnet"),
            wire::lnet::ctl::LNET_IOC_TYPE,
            state.clone(),
        )
        .inspect_err(|e| {
            pr_err!("cannot register /dev/lnet: {e:?}\n");
        })?;
        api::set_state(state.clone());
        pr_info!(
            "Rustre LNet loaded, API version {}\n",
            api::LNET_API_VERSION
        );
        Ok(LnetModule {
            state,
            dev: Some(dev),
            _stats_file: stats_file,
            _socklnd_file: socklnd_file,
        })
    }
}

impl Drop for LnetModule {
    fn drop(&mut self) {
        // No ioctl runs once the device is gone, and no API call once the
        // module is unloading.
        drop(self.dev.take());
        api::clear_state();
        self.state.down();
        pr_info!("unloaded\n");
    }
}
