// SPDX-License-Identifier: GPL-2.0

//! What the client log says ([`FsConfig`]): the MDTs and OSTs, each with
//! its index, UUID and NID, and the default striping. The wire crate's
//! `ClientLogReader` says what each record means; [`ConfigReader`] keeps
//! it, matching each target to its node's NID.

use kernel::prelude::*;
use kernel::str::CString;

use crate::errno::eproto;
use crate::wire::lustre::client_log::{ClientLogReader, ClientRecord};
use crate::wire::nid::Nid;

/// A target of the file system.
pub(crate) struct TargetInfo {
    /// Its index (`MDT0000` is 0).
    pub(crate) index: u32,
    /// Its UUID.
    pub(crate) uuid: CString,
    /// The NID of its node.
    pub(crate) nid: Nid,
}

/// A file system's configuration.
#[derive(Default)]
pub(crate) struct FsConfig {
    /// The MDTs, by index.
    pub(crate) mdts: KVec<TargetInfo>,
    /// The OSTs, by index.
    pub(crate) osts: KVec<TargetInfo>,
    /// The default stripe size, in bytes.
    pub(crate) stripe_size: u64,
    /// The default stripe count.
    pub(crate) stripe_count: u32,
}

/// Reads the records of a client log into an [`FsConfig`].
#[derive(Default)]
pub(crate) struct ConfigReader {
    log: ClientLogReader,
    config: FsConfig,
    /// Node UUIDs and their NIDs.
    nids: KVec<(CString, u64)>,
    /// Target UUIDs and the UUIDs of their nodes.
    nodes: KVec<(CString, CString)>,
}

fn cstring(s: &str) -> Result<CString> {
    CString::try_from_fmt(format_args!("{s}"))
}

/// The value of `key` in `pairs`.
fn find<'p, T>(pairs: &'p [(CString, T)], key: &str) -> Option<&'p T> {
    pairs
        .iter()
        .find(|(k, _)| k.as_bytes() == key.as_bytes())
        .map(|(_, v)| v)
}

impl ConfigReader {
    /// A reader at the start of a log.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The target `uuid` of index `index`, with its node's NID.
    fn target(&self, uuid: &str, index: u32) -> Result<TargetInfo> {
        let nid = find(&self.nodes, uuid)
            .and_then(|node| find(&self.nids, node.to_str().ok()?))
            .copied()
            .ok_or_else(|| {
                pr_err!("configuration log: target {uuid} has no NID\n");
                eproto()
            })?;
        let nid = Nid::from_u64(nid).map_err(|e| {
            pr_err!("configuration log: target {uuid}: {e}\n");
            eproto()
        })?;
        Ok(TargetInfo {
            index,
            uuid: cstring(uuid)?,
            nid,
        })
    }

    /// Reads one record (the body of a configuration log record).
    ///
    /// # Errors
    /// `EPROTO` for a malformed record or a target without a node;
    /// `ENOMEM`.
    pub(crate) fn record(&mut self, body: &[u8]) -> Result {
        let Some(rec) = self.log.record(body)? else {
            return Ok(());
        };
        match rec {
            ClientRecord::AddUuid { node, nid } => {
                self.nids.push((cstring(node)?, nid), GFP_KERNEL)?;
            }
            ClientRecord::DeviceSetup { target, node } => {
                self.nodes
                    .push((cstring(target)?, cstring(node)?), GFP_KERNEL)?;
            }
            ClientRecord::LovSetup {
                stripe_size,
                stripe_count,
            } => {
                self.config.stripe_size = stripe_size;
                self.config.stripe_count = stripe_count;
            }
            ClientRecord::AddMdt { target, index } => {
                let t = self.target(target, index)?;
                self.config.mdts.push(t, GFP_KERNEL)?;
            }
            ClientRecord::AddOst { target, index } => {
                let t = self.target(target, index)?;
                self.config.osts.push(t, GFP_KERNEL)?;
            }
            ClientRecord::MountOpt { .. } => {}
        }
        Ok(())
    }

    /// The configuration read, targets sorted by index.
    pub(crate) fn finish(mut self) -> FsConfig {
        self.config.mdts.sort_unstable_by_key(|t| t.index);
        self.config.osts.sort_unstable_by_key(|t| t.index);
        self.config
    }
}
