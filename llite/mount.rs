// SPDX-License-Identifier: GPL-2.0

//! What a mount does before the super block exists (Lustre's
//! `lustre_fill_super` and `ll_fill_super` up to the root inode): find an
//! MGS among the NIDs of the mount source, read the file system's client
//! configuration from it, and connect to the MDTs and OSTs it names.
//!
//! As in Lustre, an OST that cannot be reached does not fail the mount
//! (its stripes give errors until it comes back); an MDT does.

use kernel::prelude::*;
use kernel::str::CString;

use crate::klog::real_time_ns;
use crate::mdc::Mdc;
use crate::mgc::{FsConfig, Mgc, TargetInfo};
use crate::osc::Osc;
use crate::wire::mount_source::MountSource;

/// A client UUID for one mount: unique per mount, in the UUID form
/// Lustre's clients use.
pub(crate) fn client_uuid() -> Result<CString> {
    static MOUNTS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);
    let t = real_time_ns();
    let n = MOUNTS.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    CString::try_from_fmt(format_args!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (t >> 32) as u32,
        (t >> 16) as u16,
        t as u16,
        n as u16,
        u64::from(n) << 16 | (t & 0xffff)
    ))
}

/// Connects to the first MGS NID of `source` that answers, as client
/// `cluuid`, and reads the configuration of its file system.
///
/// # Errors
/// The last connect's error when no MGS answers; the log's errors.
pub(crate) fn read_config(source: &MountSource<'_>, cluuid: &str) -> Result<FsConfig> {
    let fsname = source.fsname();
    let mut last = Err(EINVAL);
    for (_, nid) in source.mgs_nids() {
        match Mgc::connect(nid, cluuid) {
            Ok(mgc) => {
                last = Ok(mgc);
                break;
            }
            Err(e) => {
                pr_warn!(
                    "{fsname}: cannot connect to the MGS at {nid}: error {}\n",
                    e.to_errno()
                );
                last = Err(e);
            }
        }
    }
    let mgc = last?;
    let config = mgc.client_config(fsname);
    if let Err(e) = &config {
        pr_err!(
            "{fsname}: cannot read the log {fsname}-client: error {}\n",
            e.to_errno()
        );
    }
    // The configuration is what matters; a failed disconnect leaves an
    // export that the MGS evicts.
    let _ = mgc.disconnect();
    let config = config?;
    for (kind, targets) in [("MDT", &config.mdts), ("OST", &config.osts)] {
        for t in targets.iter() {
            pr_info!(
                "{fsname}: {kind} {} {} at {}\n",
                t.index,
                t.uuid.to_str().unwrap_or("?"),
                t.nid
            );
        }
    }
    pr_info!(
        "{fsname}: {} MDTs, {} OSTs, default stripes {} x {} bytes\n",
        config.mdts.len(),
        config.osts.len(),
        config.stripe_count,
        config.stripe_size
    );
    Ok(config)
}

/// The connections of a mount to its targets.
pub(crate) struct Targets {
    mdcs: KVec<Mdc>,
    oscs: KVec<Osc>,
}

/// The UUID of `t`, which came from the log as UTF-8.
fn uuid(t: &TargetInfo) -> &str {
    t.uuid.to_str().unwrap_or("?")
}

impl Targets {
    /// Connects to every target of `config` as client `cluuid`.
    ///
    /// # Errors
    /// An MDT's connect error (the connections made are closed); `ENOMEM`.
    pub(crate) fn connect(fsname: &str, config: &FsConfig, cluuid: &str) -> Result<Self> {
        let mut targets = Targets {
            mdcs: KVec::new(),
            oscs: KVec::new(),
        };
        for t in config.mdts.iter() {
            match Mdc::connect(t.nid, uuid(t), cluuid) {
                Ok(mdc) => targets.mdcs.push(mdc, GFP_KERNEL)?,
                Err(e) => {
                    pr_err!(
                        "{fsname}: cannot connect to {} at {}: error {}\n",
                        uuid(t),
                        t.nid,
                        e.to_errno()
                    );
                    targets.disconnect();
                    return Err(e);
                }
            }
        }
        for t in config.osts.iter() {
            match Osc::connect(t.nid, uuid(t), cluuid) {
                Ok(osc) => targets.oscs.push(osc, GFP_KERNEL)?,
                Err(e) => pr_warn!(
                    "{fsname}: cannot connect to {} at {}: error {}; its stripes are unavailable\n",
                    uuid(t),
                    t.nid,
                    e.to_errno()
                ),
            }
        }
        pr_info!(
            "{fsname}: connected to {} of {} MDTs and {} of {} OSTs\n",
            targets.mdcs.len(),
            config.mdts.len(),
            targets.oscs.len(),
            config.osts.len()
        );
        Ok(targets)
    }

    /// Disconnects from every target. A target that does not answer keeps
    /// an export that it evicts in time.
    pub(crate) fn disconnect(self) {
        for mdc in self.mdcs {
            let _ = mdc.disconnect();
        }
        for osc in self.oscs {
            let _ = osc.disconnect();
        }
    }
}
