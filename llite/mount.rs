// SPDX-License-Identifier: GPL-2.0

//! What a mount does before the super block exists (Lustre's
//! `lustre_fill_super` and `ll_fill_super` up to the root inode): find an
//! MGS among the NIDs of the mount source, read the file system's client
//! configuration from it, connect to the MDTs and OSTs it names, and ask
//! them for the root FID and the file system's statistics.
//!
//! As in Lustre, an OST that cannot be reached does not fail the mount
//! (its stripes give errors until it comes back); an MDT does.

use kernel::prelude::*;
use kernel::str::CString;

use crate::klog::real_time_ns;
use crate::mdc::Mdc;
use crate::mgc::{FsConfig, Mgc, TargetInfo};
use crate::osc::Osc;
use crate::wire::lustre::fid::LuFid;
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

/// A file system's statistics, summed over its targets.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FsStatfs {
    /// KiB of the OSTs, in total.
    pub(crate) kib_total: u64,
    /// KiB free.
    pub(crate) kib_free: u64,
    /// KiB free for users.
    pub(crate) kib_avail: u64,
    /// The OSTs that answered.
    pub(crate) osts: u32,
    /// Inodes of the MDTs, in total.
    pub(crate) files: u64,
    /// Inodes free.
    pub(crate) ffree: u64,
    /// The MDTs that answered.
    pub(crate) mdts: u32,
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

    /// The FID of the root directory, from the first MDT.
    ///
    /// # Errors
    /// `ENODEV` without an MDT; RPC errors.
    pub(crate) fn root(&self) -> Result<LuFid> {
        self.mdcs.first().ok_or(ENODEV)?.root()
    }

    /// The file system's statistics, as `statfs` gives them: the space of
    /// the OSTs and the inodes of the MDTs, summed. A target that does not
    /// answer is left out, as a target that could not be connected.
    pub(crate) fn statfs(&self) -> FsStatfs {
        let mut st = FsStatfs::default();
        for s in self.oscs.iter().filter_map(|osc| osc.statfs().ok()) {
            let kib = |blocks: u64| blocks.saturating_mul(s.os_bsize.into()) / 1024;
            st.kib_total = st.kib_total.saturating_add(kib(s.os_blocks));
            st.kib_free = st.kib_free.saturating_add(kib(s.os_bfree));
            st.kib_avail = st.kib_avail.saturating_add(kib(s.os_bavail));
            st.osts += 1;
        }
        for s in self.mdcs.iter().filter_map(|mdc| mdc.statfs().ok()) {
            st.files = st.files.saturating_add(s.os_files);
            st.ffree = st.ffree.saturating_add(s.os_ffree);
            st.mdts += 1;
        }
        st
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
