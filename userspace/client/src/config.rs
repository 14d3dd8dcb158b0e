//! What a client learns from the `<fsname>-client` configuration log: the
//! MDTs and OSTs (index, UUID, NID), the default striping, the mount
//! profile. The wire crate's [`ClientLogReader`] says what each record
//! means; this keeps what they say.

use std::collections::HashMap;

use rustre_lnet::wire::lustre::client_log::{ClientLogReader, ClientRecord};

/// A target of the file system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetInfo {
    /// Its index (`MDT0000` is 0).
    pub index: u32,
    /// Its UUID.
    pub uuid: String,
    /// The NID of its node.
    pub nid: u64,
}

/// A file system's configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FsConfig {
    /// The mount profile, its LOV and its LMV.
    pub profile: Option<(String, String, String)>,
    /// The MDTs, by index.
    pub mdts: Vec<TargetInfo>,
    /// The OSTs, by index.
    pub osts: Vec<TargetInfo>,
    /// The default stripe size, in bytes.
    pub stripe_size: u64,
    /// The default stripe count.
    pub stripe_count: u32,
}

/// The interpreter's state.
#[derive(Default)]
struct Reader {
    config: FsConfig,
    /// Node UUID to NID.
    nids: HashMap<String, u64>,
    /// Target UUID to node UUID, from the SETUP of its device.
    nodes: HashMap<String, String>,
}

impl Reader {
    fn target(&self, uuid: &str, index: u32) -> Result<TargetInfo, String> {
        let nid = self
            .nodes
            .get(uuid)
            .and_then(|node| self.nids.get(node))
            .copied()
            .ok_or_else(|| format!("{uuid}: no NID"))?;
        Ok(TargetInfo {
            index,
            uuid: uuid.to_owned(),
            nid,
        })
    }

    fn record(&mut self, rec: ClientRecord<'_>) -> Result<(), String> {
        match rec {
            ClientRecord::AddUuid { node, nid } => {
                self.nids.insert(node.to_owned(), nid);
            }
            ClientRecord::DeviceSetup { target, node } => {
                self.nodes.insert(target.to_owned(), node.to_owned());
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
                self.config.mdts.push(t);
            }
            ClientRecord::AddOst { target, index } => {
                let t = self.target(target, index)?;
                self.config.osts.push(t);
            }
            ClientRecord::MountOpt { profile, lov, lmv } => {
                self.config.profile = Some((profile.to_owned(), lov.to_owned(), lmv.to_owned()));
            }
        }
        Ok(())
    }
}

impl FsConfig {
    /// Interprets the records of a client log.
    ///
    /// # Errors
    /// A text that names the bad record.
    pub fn from_client_log(records: &[Vec<u8>]) -> Result<FsConfig, String> {
        let mut log = ClientLogReader::default();
        let mut r = Reader::default();
        for (i, rec) in records.iter().enumerate() {
            if let Some(rec) = log.record(rec).map_err(|e| format!("record {i}: {e}"))? {
                r.record(rec)?;
            }
        }
        r.config.mdts.sort_by_key(|t| t.index);
        r.config.osts.sort_by_key(|t| t.index);
        Ok(r.config)
    }
}
