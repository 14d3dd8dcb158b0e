//! The `<fsname>-client` configuration log as a client reads it: which
//! records count and what each says ([`ClientLogReader`]).
//!
//! Records count only inside START and END markers, and not in a group
//! marked SKIP or EXCLUDE (a target that was removed). Inside:
//! - `ADD_UUID` names the NID of a node UUID;
//! - `SETUP` of an MDC or OSC device names its target and the node
//!   serving it; `SETUP` of the LOV carries the default striping
//!   (`lov_desc`);
//! - `ADD_MDC` and `LOV_ADD_OBD` give an MDT or an OST its index;
//! - `MOUNTOPT` names the mount profile, its LOV and its LMV.
//!
//! The reader keeps no more than the marker state, so it needs no memory:
//! each side (the kernel's MGC, the userspace client library) keeps the
//! NIDs and targets it learns in its own collections.

use crate::wire::error::WireError;
use crate::wire::lustre::cfg::{
    CfgMarker, LovDesc, LustreCfg, CM_END, CM_EXCLUDE, CM_SKIP, CM_START, LCFG_ADD_MDC,
    LCFG_ADD_UUID, LCFG_LOV_ADD_OBD, LCFG_MARKER, LCFG_MOUNTOPT, LCFG_SETUP, LOV_DESC_MAGIC,
};

/// What one record of a client log says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientRecord<'a> {
    /// Node `node` is at `nid` (`LCFG_ADD_UUID`).
    AddUuid {
        /// The node's UUID.
        node: &'a str,
        /// Its NID, in the 64-bit encoding.
        nid: u64,
    },
    /// Target `target` is served by node `node` (the `SETUP` of its MDC or
    /// OSC device).
    DeviceSetup {
        /// The target's UUID.
        target: &'a str,
        /// The node's UUID.
        node: &'a str,
    },
    /// The default striping (the `SETUP` of the LOV).
    LovSetup {
        /// The default stripe size, in bytes.
        stripe_size: u64,
        /// The default stripe count.
        stripe_count: u32,
    },
    /// MDT `target` has index `index` (`LCFG_ADD_MDC`).
    AddMdt {
        /// The target's UUID.
        target: &'a str,
        /// Its index.
        index: u32,
    },
    /// OST `target` has index `index` (`LCFG_LOV_ADD_OBD`).
    AddOst {
        /// The target's UUID.
        target: &'a str,
        /// Its index.
        index: u32,
    },
    /// The mount profile (`LCFG_MOUNTOPT`).
    MountOpt {
        /// The profile's name.
        profile: &'a str,
        /// Its LOV device.
        lov: &'a str,
        /// Its LMV device.
        lmv: &'a str,
    },
}

/// Reads the records of a client log in order.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientLogReader {
    /// Inside a START marker of a group that counts.
    in_group: bool,
}

/// Buffer `i` of `cfg` as a string.
fn string<'a>(cfg: &LustreCfg<'a>, i: usize) -> Result<&'a str, WireError> {
    cfg.string(i).ok_or(WireError::BadField {
        field: "lustre_cfg string buffer",
        value: i as u64,
    })
}

/// Buffer `i` of `cfg` as a decimal target index.
fn index(cfg: &LustreCfg<'_>, i: usize) -> Result<u32, WireError> {
    let s = string(cfg, i)?;
    s.parse().map_err(|_| WireError::BadField {
        field: "lustre_cfg target index",
        value: s.len() as u64,
    })
}

impl ClientLogReader {
    /// Reads the record whose body (a `lustre_cfg`) is `body`: what it
    /// says, or `None` for a record a client ignores.
    ///
    /// # Errors
    /// [`WireError`] for a malformed record, or one without the buffers its
    /// command needs.
    pub fn record<'a>(&mut self, body: &'a [u8]) -> Result<Option<ClientRecord<'a>>, WireError> {
        let cfg = LustreCfg::decode(body)?;
        if cfg.command == LCFG_MARKER {
            let m = cfg.buffer(1).ok_or(WireError::BadField {
                field: "lustre_cfg cfg_marker",
                value: cfg.bufcount() as u64,
            })?;
            let m = CfgMarker::decode(m, cfg.order)?;
            if m.cm_flags & CM_START != 0 {
                self.in_group = m.cm_flags & (CM_SKIP | CM_EXCLUDE) == 0;
            } else if m.cm_flags & CM_END != 0 {
                self.in_group = false;
            }
            return Ok(None);
        }
        if !self.in_group {
            return Ok(None);
        }
        Ok(match cfg.command {
            LCFG_ADD_UUID => Some(ClientRecord::AddUuid {
                node: string(&cfg, 1)?,
                nid: cfg.nid,
            }),
            LCFG_SETUP => Self::setup(&cfg)?,
            LCFG_ADD_MDC => Some(ClientRecord::AddMdt {
                target: string(&cfg, 1)?,
                index: index(&cfg, 2)?,
            }),
            LCFG_LOV_ADD_OBD => Some(ClientRecord::AddOst {
                target: string(&cfg, 1)?,
                index: index(&cfg, 2)?,
            }),
            LCFG_MOUNTOPT => Some(ClientRecord::MountOpt {
                profile: string(&cfg, 1)?,
                lov: string(&cfg, 2)?,
                lmv: string(&cfg, 3)?,
            }),
            _ => None,
        })
    }

    /// A `SETUP` record: of an MDC or OSC device, or of the LOV.
    fn setup<'a>(cfg: &LustreCfg<'a>) -> Result<Option<ClientRecord<'a>>, WireError> {
        let dev = string(cfg, 0)?;
        if dev.ends_with("-mdc") || dev.ends_with("-osc") {
            return Ok(Some(ClientRecord::DeviceSetup {
                target: string(cfg, 1)?,
                node: string(cfg, 2)?,
            }));
        }
        if !dev.ends_with("-clilov") {
            return Ok(None);
        }
        let d = cfg.buffer(1).ok_or(WireError::BadField {
            field: "lustre_cfg lov_desc",
            value: cfg.bufcount() as u64,
        })?;
        let d = LovDesc::decode(d, cfg.order)?;
        if d.ld_active_tgt_count != LOV_DESC_MAGIC {
            return Err(WireError::BadMagic {
                what: "lov_desc",
                magic: d.ld_active_tgt_count,
            });
        }
        Ok(Some(ClientRecord::LovSetup {
            stripe_size: d.ld_default_stripe_size,
            stripe_count: d.ld_default_stripe_count,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::lustre::cfg::{LcfgBuf, LustreCfgSpec, CFG_MARKER_SIZE, LCFG_ATTACH};

    /// Encodes a record of `command` with `bufs` into `out`.
    fn rec<'o>(out: &'o mut [u8], command: u32, nid: u64, bufs: &[LcfgBuf<'_>]) -> &'o [u8] {
        let n = LustreCfgSpec { command, nid, bufs }.encode(out).unwrap();
        &out[..n]
    }

    /// Feeds a marker record with `flags` to `r`.
    fn marker(r: &mut ClientLogReader, flags: u32) {
        let mut m = [0u8; CFG_MARKER_SIZE];
        CfgMarker {
            cm_flags: flags,
            ..CfgMarker::default()
        }
        .encode(&mut m)
        .unwrap();
        let mut out = [0u8; 256];
        let body = rec(
            &mut out,
            LCFG_MARKER,
            0,
            &[LcfgBuf::Str("x"), LcfgBuf::Bytes(&m)],
        );
        assert_eq!(r.record(body), Ok(None));
    }

    #[test]
    fn records_count_only_in_live_groups() {
        let mut out = [0u8; 256];
        let add = rec(
            &mut out,
            LCFG_LOV_ADD_OBD,
            0,
            &[
                LcfgBuf::Str("lustre-clilov"),
                LcfgBuf::Str("lustre-OST0003_UUID"),
                LcfgBuf::Str("3"),
                LcfgBuf::Str("1"),
            ],
        );
        let ost = Some(ClientRecord::AddOst {
            target: "lustre-OST0003_UUID",
            index: 3,
        });
        let mut r = ClientLogReader::default();
        assert_eq!(r.record(add), Ok(None), "outside a group");
        marker(&mut r, CM_START);
        assert_eq!(r.record(add), Ok(ost));
        marker(&mut r, CM_END);
        assert_eq!(r.record(add), Ok(None), "after END");
        marker(&mut r, CM_START | CM_SKIP);
        assert_eq!(r.record(add), Ok(None), "in a skipped group");
        marker(&mut r, CM_END | CM_SKIP);
        marker(&mut r, CM_START | CM_EXCLUDE);
        assert_eq!(r.record(add), Ok(None), "in an excluded group");
    }

    #[test]
    fn records_say_what_a_client_needs() {
        let mut r = ClientLogReader::default();
        marker(&mut r, CM_START);
        let mut out = [0u8; 512];
        let b = rec(
            &mut out,
            LCFG_ADD_UUID,
            0x2_0000_0a63_0002,
            &[LcfgBuf::Str("lustre"), LcfgBuf::Str("10.99.0.2@tcp")],
        );
        assert_eq!(
            r.record(b),
            Ok(Some(ClientRecord::AddUuid {
                node: "10.99.0.2@tcp",
                nid: 0x2_0000_0a63_0002
            }))
        );
        let b = rec(
            &mut out,
            LCFG_SETUP,
            0,
            &[
                LcfgBuf::Str("lustre-MDT0000-mdc"),
                LcfgBuf::Str("lustre-MDT0000_UUID"),
                LcfgBuf::Str("10.99.0.2@tcp"),
            ],
        );
        assert_eq!(
            r.record(b),
            Ok(Some(ClientRecord::DeviceSetup {
                target: "lustre-MDT0000_UUID",
                node: "10.99.0.2@tcp"
            }))
        );
        let b = rec(
            &mut out,
            LCFG_MOUNTOPT,
            0,
            &[
                LcfgBuf::Str("lustre-client"),
                LcfgBuf::Str("lustre-client"),
                LcfgBuf::Str("lustre-clilov"),
                LcfgBuf::Str("lustre-clilmv"),
            ],
        );
        assert_eq!(
            r.record(b),
            Ok(Some(ClientRecord::MountOpt {
                profile: "lustre-client",
                lov: "lustre-clilov",
                lmv: "lustre-clilmv"
            }))
        );
        // Other commands and devices are not for a client.
        let b = rec(&mut out, LCFG_ATTACH, 0, &[LcfgBuf::Str("lustre-clilov")]);
        assert_eq!(r.record(b), Ok(None));
        let b = rec(&mut out, LCFG_SETUP, 0, &[LcfgBuf::Str("lustre-clilmv")]);
        assert_eq!(r.record(b), Ok(None));
    }

    #[test]
    fn bad_records_are_errors() {
        let mut r = ClientLogReader::default();
        marker(&mut r, CM_START);
        let mut out = [0u8; 256];
        // A missing index, an index that is not a number.
        let b = rec(
            &mut out,
            LCFG_ADD_MDC,
            0,
            &[LcfgBuf::Str("lustre-clilmv"), LcfgBuf::Str("u")],
        );
        assert!(r.record(b).is_err());
        let b = rec(
            &mut out,
            LCFG_ADD_MDC,
            0,
            &[
                LcfgBuf::Str("lustre-clilmv"),
                LcfgBuf::Str("u"),
                LcfgBuf::Str("x1"),
            ],
        );
        assert!(r.record(b).is_err());
        // A name that is not a string, a LOV setup without its lov_desc.
        let b = rec(
            &mut out,
            LCFG_ADD_UUID,
            0,
            &[LcfgBuf::Str("n"), LcfgBuf::Bytes(&[0xff])],
        );
        assert!(r.record(b).is_err());
        let b = rec(&mut out, LCFG_SETUP, 0, &[LcfgBuf::Str("lustre-clilov")]);
        assert!(r.record(b).is_err());
        // A marker without its cfg_marker.
        let b = rec(&mut out, LCFG_MARKER, 0, &[LcfgBuf::Str("x")]);
        assert!(r.record(b).is_err());
    }
}
