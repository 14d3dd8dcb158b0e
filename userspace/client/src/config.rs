//! What a client learns from the `<fsname>-client` configuration log: the
//! MDTs and OSTs (index, UUID, NID), the default striping, the mount
//! profile.
//!
//! The records are read as Lustre's client reads them: only inside START
//! and END markers (a group marked SKIP or EXCLUDE is ignored); ADD_UUID
//! names a NID; SETUP of an MDC or OSC device names its target and node;
//! ADD_MDC and LOV_ADD_OBD give targets their indexes; the LOV's SETUP
//! carries its `lov_desc`; MOUNTOPT names the profile.

use std::collections::HashMap;

use rustre_lnet::wire::codec::ByteOrder;
use rustre_lnet::wire::lustre::cfg::{
    CfgMarker, LovDesc, LustreCfg, CM_END, CM_EXCLUDE, CM_SKIP, CM_START, LCFG_ADD_MDC,
    LCFG_ADD_UUID, LCFG_LOV_ADD_OBD, LCFG_MARKER, LCFG_MOUNTOPT, LCFG_SETUP, LOV_DESC_MAGIC,
};

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
    in_group: bool,
    /// Node UUID to NID.
    nids: HashMap<String, u64>,
    /// Target UUID to node UUID, from the SETUP of its device.
    nodes: HashMap<String, String>,
}

fn string(cfg: &LustreCfg<'_>, i: usize) -> Result<String, String> {
    cfg.string(i)
        .map(str::to_owned)
        .ok_or_else(|| format!("record {:#x}: no string in buffer {i}", cfg.command))
}

impl Reader {
    fn target(&self, cfg: &LustreCfg<'_>) -> Result<TargetInfo, String> {
        let uuid = string(cfg, 1)?;
        let index = string(cfg, 2)?
            .parse()
            .map_err(|e| format!("{uuid}: bad index: {e}"))?;
        let nid = self
            .nodes
            .get(&uuid)
            .and_then(|node| self.nids.get(node))
            .copied()
            .ok_or_else(|| format!("{uuid}: no NID"))?;
        Ok(TargetInfo { index, uuid, nid })
    }

    fn record(&mut self, body: &[u8]) -> Result<(), String> {
        let cfg = LustreCfg::decode(body).map_err(|e| e.to_string())?;
        if cfg.command == LCFG_MARKER {
            let m = cfg.buffer(1).ok_or("a marker without its cfg_marker")?;
            let m = CfgMarker::decode(m, ByteOrder::Little).map_err(|e| e.to_string())?;
            if m.cm_flags & CM_START != 0 {
                self.in_group = m.cm_flags & (CM_SKIP | CM_EXCLUDE) == 0;
            } else if m.cm_flags & CM_END != 0 {
                self.in_group = false;
            }
            return Ok(());
        }
        if !self.in_group {
            return Ok(());
        }
        match cfg.command {
            LCFG_ADD_UUID => {
                self.nids.insert(string(&cfg, 1)?, cfg.nid);
            }
            LCFG_SETUP => {
                let dev = string(&cfg, 0)?;
                if dev.ends_with("-mdc") || dev.ends_with("-osc") {
                    self.nodes.insert(string(&cfg, 1)?, string(&cfg, 2)?);
                } else if dev.ends_with("-clilov") {
                    let d = cfg.buffer(1).ok_or("a LOV setup without its lov_desc")?;
                    let d = LovDesc::decode(d, ByteOrder::Little).map_err(|e| e.to_string())?;
                    if d.ld_active_tgt_count != LOV_DESC_MAGIC {
                        return Err(format!("lov_desc magic {:#x}", d.ld_active_tgt_count));
                    }
                    self.config.stripe_size = d.ld_default_stripe_size;
                    self.config.stripe_count = d.ld_default_stripe_count;
                }
            }
            LCFG_ADD_MDC => {
                let t = self.target(&cfg)?;
                self.config.mdts.push(t);
            }
            LCFG_LOV_ADD_OBD => {
                let t = self.target(&cfg)?;
                self.config.osts.push(t);
            }
            LCFG_MOUNTOPT => {
                self.config.profile = Some((string(&cfg, 1)?, string(&cfg, 2)?, string(&cfg, 3)?));
            }
            _ => {}
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
        let mut r = Reader::default();
        for rec in records {
            r.record(rec)?;
        }
        r.config.mdts.sort_by_key(|t| t.index);
        r.config.osts.sort_by_key(|t| t.index);
        Ok(r.config)
    }
}
