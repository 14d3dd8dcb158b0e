//! Configuration records (`lustre_cfg`), the bodies of the `OBD_CFG_REC`
//! records of a configuration log: a command, a NID, and up to
//! [`LUSTRE_CFG_MAX_BUFCOUNT`] buffers (device names, UUIDs, numbers as
//! text, or a structure such as `cfg_marker`). The header is 32 bytes and a
//! `u32` length per buffer, rounded up to 8; each buffer is padded to 8.
//!
//! [`LustreCfg`] reads one, checking every length; [`LustreCfgSpec`]
//! writes one. The structures some records carry are here too:
//! `cfg_marker`, `lov_desc`, `lmv_desc`.

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;
use crate::wire::layout::{wire_struct, Bytes};

/// `LUSTRE_CFG_VERSION`: the first field of every record.
pub const LUSTRE_CFG_VERSION: u32 = 0x1cf6_0001;
/// `LUSTRE_CFG_MAX_BUFCOUNT`.
pub const LUSTRE_CFG_MAX_BUFCOUNT: usize = 8;
/// The size of the header before the buffer lengths.
const LCFG_HDR_SIZE: usize = 32;

/// `LCFG_ATTACH`: create a device (0 name, 1 type, 2 UUID).
pub const LCFG_ATTACH: u32 = 0x00cf001;
/// `LCFG_DETACH`.
pub const LCFG_DETACH: u32 = 0x00cf002;
/// `LCFG_SETUP`: set a device up (0 name, 1 target UUID or descriptor, 2
/// node UUID).
pub const LCFG_SETUP: u32 = 0x00cf003;
/// `LCFG_CLEANUP`.
pub const LCFG_CLEANUP: u32 = 0x00cf004;
/// `LCFG_ADD_UUID`: name a NID (`lcfg_nid`; 1 the node UUID).
pub const LCFG_ADD_UUID: u32 = 0x00cf005;
/// `LCFG_DEL_UUID`.
pub const LCFG_DEL_UUID: u32 = 0x00cf006;
/// `LCFG_MOUNTOPT`: a client profile (1 profile, 2 LOV, 3 LMV).
pub const LCFG_MOUNTOPT: u32 = 0x00cf007;
/// `LCFG_DEL_MOUNTOPT`.
pub const LCFG_DEL_MOUNTOPT: u32 = 0x00cf008;
/// `LCFG_SET_TIMEOUT`.
pub const LCFG_SET_TIMEOUT: u32 = 0x00cf009;
/// `LCFG_SET_UPCALL`.
pub const LCFG_SET_UPCALL: u32 = 0x00cf00a;
/// `LCFG_ADD_CONN`: a failover connection (1 node UUID).
pub const LCFG_ADD_CONN: u32 = 0x00cf00b;
/// `LCFG_DEL_CONN`.
pub const LCFG_DEL_CONN: u32 = 0x00cf00c;
/// `LCFG_LOV_ADD_OBD`: add an OST to a LOV (1 OST UUID, 2 index, 3 gen).
pub const LCFG_LOV_ADD_OBD: u32 = 0x00cf00d;
/// `LCFG_LOV_DEL_OBD`.
pub const LCFG_LOV_DEL_OBD: u32 = 0x00cf00e;
/// `LCFG_PARAM`: a tunable.
pub const LCFG_PARAM: u32 = 0x00cf00f;
/// `LCFG_MARKER`: brackets a group of records (1 `cfg_marker`).
pub const LCFG_MARKER: u32 = 0x00cf010;
/// `LCFG_LOV_ADD_INA`: add an inactive OST.
pub const LCFG_LOV_ADD_INA: u32 = 0x00ce013;
/// `LCFG_ADD_MDC`: add an MDT to a LMV (1 MDT UUID, 2 index, 3 gen).
pub const LCFG_ADD_MDC: u32 = 0x00cf014;
/// `LCFG_DEL_MDC`.
pub const LCFG_DEL_MDC: u32 = 0x00cf015;
/// `LCFG_SPTLRPC_CONF`.
pub const LCFG_SPTLRPC_CONF: u32 = 0x00ce016;
/// `LCFG_SET_PARAM`: a tunable, `lctl set_param -P` style.
pub const LCFG_SET_PARAM: u32 = 0x00ce032;

/// `CM_START`: a marker that opens a group.
pub const CM_START: u32 = 0x1;
/// `CM_END`: a marker that closes a group.
pub const CM_END: u32 = 0x2;
/// `CM_SKIP`: the group is cancelled.
pub const CM_SKIP: u32 = 0x4;
/// `CM_EXCLUDE`: the group is excluded for this client.
pub const CM_EXCLUDE: u32 = 0x10;

wire_struct! {
    /// `struct cfg_marker`: the payload of an `LCFG_MARKER` record.
    pub struct CfgMarker("cfg_marker", RawCfgMarker, CFG_MARKER_SIZE = 160) {
        /// The group's step number.
        cm_step @ 0: u32 = u32,
        /// `CM_*` flags.
        cm_flags @ 4: u32 = u32,
        /// The Lustre version that wrote it.
        cm_vers @ 8: u32 = u32,
        /// Padding.
        cm_padding @ 12: u32 = u32,
        /// When the group was written.
        cm_createtime @ 16: u64 = u64,
        /// When it was cancelled.
        cm_canceltime @ 24: u64 = u64,
        /// The target the group configures.
        cm_tgtname @ 32: Bytes<64> = [u8; 64],
        /// What the group does.
        cm_comment @ 96: Bytes<64> = [u8; 64],
    }
}

/// `LOV_DESC_MAGIC`, in `lov_desc.ld_active_tgt_count` of a log record
/// (which tells its byte order).
pub const LOV_DESC_MAGIC: u32 = 0xb0cc_de5c;

wire_struct! {
    /// `struct lov_desc`: the defaults of a client's LOV (the setup record
    /// of `<fsname>-clilov`).
    pub struct LovDesc("lov_desc", RawLovDesc, LOV_DESC_SIZE = 88) {
        /// How many OSTs (0 at setup: they are added one by one).
        ld_tgt_count @ 0: u32 = u32,
        /// [`LOV_DESC_MAGIC`] in a log (`ld_magic`).
        ld_active_tgt_count @ 4: u32 = u32,
        /// The default stripe count.
        ld_default_stripe_count @ 8: u32 = u32,
        /// The default pattern (`LOV_PATTERN_RAID0`).
        ld_pattern @ 12: u32 = u32,
        /// The default stripe size, in bytes.
        ld_default_stripe_size @ 16: u64 = u64,
        /// The default first OST, or -1 for any.
        ld_default_stripe_offset @ 24: u64 = u64,
        /// Unused.
        ld_padding_0 @ 32: u32 = u32,
        /// How long OST usage statistics stay valid, in seconds.
        ld_qos_maxage @ 36: u32 = u32,
        /// Padding.
        ld_padding_1 @ 40: u32 = u32,
        /// Padding.
        ld_padding_2 @ 44: u32 = u32,
        /// The LOV's UUID.
        ld_uuid @ 48: Bytes<40> = [u8; 40],
    }
}

wire_struct! {
    /// `struct lmv_desc`: the setup record of a client's LMV
    /// (`<fsname>-clilmv`).
    pub struct LmvDesc("lmv_desc", RawLmvDesc, LMV_DESC_SIZE = 88) {
        /// How many MDTs (0 at setup).
        ld_tgt_count @ 0: u32 = u32,
        /// How many are active.
        ld_active_tgt_count @ 4: u32 = u32,
        /// The default directory stripe count.
        ld_default_stripe_count @ 8: u32 = u32,
        /// The default hash pattern.
        ld_pattern @ 12: u32 = u32,
        /// Unused.
        ld_default_hash_size @ 16: u64 = u64,
        /// Padding.
        ld_padding_1 @ 24: u64 = u64,
        /// Padding.
        ld_padding_2 @ 32: u32 = u32,
        /// How long MDT usage statistics stay valid, in seconds.
        ld_qos_maxage @ 36: u32 = u32,
        /// Padding.
        ld_padding_3 @ 40: u32 = u32,
        /// Padding.
        ld_padding_4 @ 44: u32 = u32,
        /// The LMV's UUID.
        ld_uuid @ 48: Bytes<40> = [u8; 40],
    }
}

const fn round8(n: usize) -> usize {
    n.next_multiple_of(8)
}

/// The size of a header with `bufcount` buffer lengths.
const fn hdr_size(bufcount: usize) -> usize {
    round8(LCFG_HDR_SIZE + 4 * bufcount)
}

/// A configuration record, read.
#[derive(Clone, Copy, Debug)]
pub struct LustreCfg<'a> {
    /// `LCFG_*`.
    pub command: u32,
    /// A number (a timeout).
    pub num: u32,
    /// Flags.
    pub flags: u32,
    /// A NID (`LCFG_ADD_UUID`), in the 64-bit encoding.
    pub nid: u64,
    /// The byte order of the record, for the structures in its buffers.
    pub order: ByteOrder,
    bufcount: usize,
    buflens: [u32; LUSTRE_CFG_MAX_BUFCOUNT],
    data: &'a [u8],
}

impl<'a> LustreCfg<'a> {
    /// Reads a record from the start of `buf` (a record body), in the byte
    /// order its version arrives in; every buffer must be within `buf`.
    ///
    /// # Errors
    /// [`WireError::BadVersion`], [`WireError::BadField`] for too many
    /// buffers, [`WireError::Short`].
    pub fn decode(buf: &'a [u8]) -> Result<Self, WireError> {
        let version = Fields::new("lustre_cfg", buf, LCFG_HDR_SIZE, ByteOrder::Little)?.u32(0)?;
        let order =
            ByteOrder::from_magic(version, LUSTRE_CFG_VERSION).ok_or(WireError::BadVersion {
                what: "lustre_cfg",
                version,
            })?;
        let f = Fields::new("lustre_cfg", buf, LCFG_HDR_SIZE, order)?;
        let count = f.u32(28)?;
        let bufcount = count as usize;
        if bufcount > LUSTRE_CFG_MAX_BUFCOUNT {
            return Err(WireError::BadField {
                field: "lustre_cfg.lcfg_bufcount",
                value: count.into(),
            });
        }
        let lens = Fields::new("lustre_cfg", buf, hdr_size(bufcount), order)?;
        let mut buflens = [0u32; LUSTRE_CFG_MAX_BUFCOUNT];
        let mut total = hdr_size(bufcount);
        for (i, len) in buflens.iter_mut().take(bufcount).enumerate() {
            *len = lens.u32(LCFG_HDR_SIZE + 4 * i)?;
            total = total.saturating_add(round8(*len as usize));
        }
        let data = buf.get(..total).ok_or(WireError::Short {
            what: "lustre_cfg buffers",
            need: total,
            have: buf.len(),
        })?;
        Ok(LustreCfg {
            command: f.u32(4)?,
            num: f.u32(8)?,
            flags: f.u32(12)?,
            nid: f.u64(16)?,
            order,
            bufcount,
            buflens,
            data,
        })
    }

    /// The number of buffers.
    pub fn bufcount(&self) -> usize {
        self.bufcount
    }

    /// Buffer `i`, or `None` when there is no such buffer.
    pub fn buffer(&self, i: usize) -> Option<&'a [u8]> {
        if i >= self.bufcount {
            return None;
        }
        let start = hdr_size(self.bufcount)
            + self.buflens[..i]
                .iter()
                .map(|l| round8(*l as usize))
                .sum::<usize>();
        self.data.get(start..start + self.buflens[i] as usize)
    }

    /// Buffer `i` as a string: the bytes before its NUL, when it has one
    /// and they are UTF-8.
    pub fn string(&self, i: usize) -> Option<&'a str> {
        let b = self.buffer(i)?;
        let end = b.iter().position(|c| *c == 0)?;
        core::str::from_utf8(&b[..end]).ok()
    }
}

/// A buffer of a record to write.
#[derive(Clone, Copy, Debug)]
pub enum LcfgBuf<'a> {
    /// A string, written with its NUL.
    Str(&'a str),
    /// Bytes, as they are.
    Bytes(&'a [u8]),
}

impl LcfgBuf<'_> {
    fn len(&self) -> usize {
        match self {
            LcfgBuf::Str(s) => s.len() + 1,
            LcfgBuf::Bytes(b) => b.len(),
        }
    }
}

/// A configuration record to write.
#[derive(Clone, Copy, Debug)]
pub struct LustreCfgSpec<'a> {
    /// `LCFG_*`.
    pub command: u32,
    /// A NID, for `LCFG_ADD_UUID`; else 0.
    pub nid: u64,
    /// The buffers.
    pub bufs: &'a [LcfgBuf<'a>],
}

impl LustreCfgSpec<'_> {
    /// The record's size.
    pub fn size(&self) -> usize {
        hdr_size(self.bufs.len()) + self.bufs.iter().map(|b| round8(b.len())).sum::<usize>()
    }

    /// Writes the record at the start of `buf`; returns its size.
    ///
    /// # Errors
    /// [`WireError::BadField`] for more than [`LUSTRE_CFG_MAX_BUFCOUNT`]
    /// buffers; [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        if self.bufs.len() > LUSTRE_CFG_MAX_BUFCOUNT {
            return Err(WireError::BadField {
                field: "lustre_cfg.lcfg_bufcount",
                value: self.bufs.len() as u64,
            });
        }
        let size = self.size();
        let have = buf.len();
        let out = buf.get_mut(..size).ok_or(WireError::Short {
            what: "lustre_cfg",
            need: size,
            have,
        })?;
        out.fill(0);
        let mut f = FieldsMut::new("lustre_cfg", out, size)?;
        f.put_u32(0, LUSTRE_CFG_VERSION)?;
        f.put_u32(4, self.command)?;
        f.put_u64(16, self.nid)?;
        f.put_u32(28, self.bufs.len() as u32)?;
        let mut at = hdr_size(self.bufs.len());
        for (i, b) in self.bufs.iter().enumerate() {
            f.put_u32(LCFG_HDR_SIZE + 4 * i, b.len() as u32)?;
            match b {
                // The NUL is already there.
                LcfgBuf::Str(s) => f.put_bytes(at, s.as_bytes())?,
                LcfgBuf::Bytes(d) => f.put_bytes(at, d)?,
            }
            at += round8(b.len());
        }
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_round_trips() {
        let bufs = [
            LcfgBuf::Str("scratch-OST0001-osc"),
            LcfgBuf::Str("osc"),
            LcfgBuf::Bytes(&[1, 2, 3]),
        ];
        let spec = LustreCfgSpec {
            command: LCFG_ATTACH,
            nid: 0x2_0000_0a00_0001,
            bufs: &bufs,
        };
        let mut buf = [0xffu8; 128];
        let n = spec.encode(&mut buf).unwrap();
        // 32 + 3 lengths = 44, rounded to 48; 20 -> 24, 4 -> 8, 3 -> 8.
        assert_eq!(n, 48 + 24 + 8 + 8);
        assert_eq!(&buf[..4], &LUSTRE_CFG_VERSION.to_le_bytes());
        assert_eq!(&buf[44..48], &[0; 4]);
        let cfg = LustreCfg::decode(&buf[..n]).unwrap();
        assert_eq!(cfg.command, LCFG_ATTACH);
        assert_eq!(cfg.nid, 0x2_0000_0a00_0001);
        assert_eq!(cfg.bufcount(), 3);
        assert_eq!(cfg.string(0), Some("scratch-OST0001-osc"));
        assert_eq!(cfg.string(1), Some("osc"));
        assert_eq!(cfg.buffer(2), Some(&[1u8, 2, 3][..]));
        assert_eq!(cfg.string(2), None);
        assert_eq!(cfg.buffer(3), None);
        assert!(LustreCfg::decode(&buf[..n - 1]).is_err());
    }

    #[test]
    fn bad_records_are_refused() {
        let mut buf = [0u8; 64];
        buf[..4].copy_from_slice(&LUSTRE_CFG_VERSION.to_le_bytes());
        buf[28..32].copy_from_slice(&9u32.to_le_bytes());
        assert!(LustreCfg::decode(&buf).is_err());
        buf[28..32].copy_from_slice(&1u32.to_le_bytes());
        buf[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(LustreCfg::decode(&buf).is_err());
        buf[..4].copy_from_slice(&1u32.to_le_bytes());
        assert!(LustreCfg::decode(&buf).is_err());
        // Swabbed: accepted.
        let mut be = [0u8; 40];
        be[..4].copy_from_slice(&LUSTRE_CFG_VERSION.to_be_bytes());
        be[4..8].copy_from_slice(&LCFG_MARKER.to_be_bytes());
        assert_eq!(LustreCfg::decode(&be).unwrap().command, LCFG_MARKER);
    }
}
