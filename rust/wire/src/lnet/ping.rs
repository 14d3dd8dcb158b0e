//! The LNet ping reply (`struct lnet_ping_info`): what a node returns to a
//! GET on portal 0 with the ping match bits, before any other traffic from a
//! Linux peer ("discovery"). A 16-byte header, then one 16-byte status record
//! per network interface, the first always `0@lo`. Sent in the sender's byte
//! order.

use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;
use crate::wire::nid::Nid;

/// The magic of a ping reply (`LNET_PROTO_PING_MAGIC`, "ping").
pub const LNET_PROTO_PING_MAGIC: u32 = 0x7069_6e67;

/// Ping feature: the base protocol (`LNET_PING_FEAT_BASE`).
pub const LNET_PING_FEAT_BASE: u32 = 0x1;
/// Ping feature: the records carry a status (`LNET_PING_FEAT_NI_STATUS`).
pub const LNET_PING_FEAT_NI_STATUS: u32 = 0x2;
/// Ping feature: the node does discovery (`LNET_PING_FEAT_DISCOVERY`); we do
/// not advertise it, so that peers do not push their ping info to us.
pub const LNET_PING_FEAT_DISCOVERY: u32 = 0x10;

/// Status of an interface that is up (`LNET_NI_STATUS_UP`).
pub const LNET_NI_STATUS_UP: u32 = 0x15aa_c0de;
/// Status of an interface that is down (`LNET_NI_STATUS_DOWN`).
pub const LNET_NI_STATUS_DOWN: u32 = 0xdead_face;

/// The most records we accept in a reply.
pub const MAX_PING_NIS: usize = 256;

#[allow(dead_code)]
#[repr(C)]
struct RawPingInfo {
    pi_magic: u32,
    pi_features: u32,
    pi_pid: u32,
    pi_nnis: u32,
}

#[allow(dead_code)]
#[repr(C)]
struct RawNiStatus {
    ns_nid: u64,
    ns_status: u32,
    ns_msg_size: u32,
}

const HDR: usize = size_of::<RawPingInfo>();
const REC: usize = size_of::<RawNiStatus>();

const _: () = {
    assert!(HDR == 16 && REC == 16);
    assert!(offset_of!(RawPingInfo, pi_features) == 4);
    assert!(offset_of!(RawPingInfo, pi_pid) == 8);
    assert!(offset_of!(RawPingInfo, pi_nnis) == 12);
    assert!(offset_of!(RawNiStatus, ns_status) == 8);
    assert!(offset_of!(RawNiStatus, ns_msg_size) == 12);
};

/// The size of a ping reply with `nnis` records.
pub const fn ping_info_size(nnis: usize) -> usize {
    HDR + nnis * REC
}

/// One network interface in a ping reply (`struct lnet_ni_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NiStatus {
    /// Its NID (`lnet_nid_t`).
    pub nid: u64,
    /// [`LNET_NI_STATUS_UP`] or [`LNET_NI_STATUS_DOWN`].
    pub status: u32,
}

/// A decoded ping reply; the records stay in the buffer.
#[derive(Clone, Copy, Debug)]
pub struct PingInfo<'a> {
    /// The feature bits (`LNET_PING_FEAT_*`).
    pub features: u32,
    /// The PID of the node's LNet.
    pub pid: u32,
    records: Fields<'a>,
    nnis: usize,
}

impl<'a> PingInfo<'a> {
    /// Decodes and checks a ping reply as Linux does: the magic in either
    /// byte order, the `NI_STATUS` feature, 1 to [`MAX_PING_NIS`] records, all
    /// within `buf`, and `0@lo` first.
    ///
    /// # Errors
    /// [`WireError`] saying which check failed.
    pub fn decode(buf: &'a [u8]) -> Result<Self, WireError> {
        let magic = Fields::new("lnet_ping_info", buf, HDR, ByteOrder::Little)?.u32(0)?;
        let order =
            ByteOrder::from_magic(magic, LNET_PROTO_PING_MAGIC).ok_or(WireError::BadMagic {
                what: "lnet_ping_info",
                magic,
            })?;
        let f = Fields::new("lnet_ping_info", buf, HDR, order)?;
        let features = f.u32(offset_of!(RawPingInfo, pi_features))?;
        if features & LNET_PING_FEAT_NI_STATUS == 0 {
            return Err(WireError::BadField {
                field: "lnet_ping_info.pi_features",
                value: features.into(),
            });
        }
        let nnis = f.u32(offset_of!(RawPingInfo, pi_nnis))?;
        let n = usize::try_from(nnis).unwrap_or(usize::MAX);
        if n == 0 || n > MAX_PING_NIS {
            return Err(WireError::BadField {
                field: "lnet_ping_info.pi_nnis",
                value: nnis.into(),
            });
        }
        let records = Fields::new("lnet_ping_info", buf, ping_info_size(n), order)?;
        let info = PingInfo {
            features,
            pid: f.u32(offset_of!(RawPingInfo, pi_pid))?,
            records,
            nnis: n,
        };
        let first = info.ni(0)?;
        if first.nid != Nid::LO.as_u64() {
            return Err(WireError::BadField {
                field: "lnet_ping_info.pi_ni[0].ns_nid",
                value: first.nid,
            });
        }
        Ok(info)
    }

    /// The number of interface records.
    pub fn nnis(&self) -> usize {
        self.nnis
    }

    /// Record `i`.
    ///
    /// # Errors
    /// [`WireError::Short`] when there is no such record.
    pub fn ni(&self, i: usize) -> Result<NiStatus, WireError> {
        let off = i
            .checked_mul(REC)
            .and_then(|o| o.checked_add(HDR))
            .unwrap_or(usize::MAX);
        Ok(NiStatus {
            nid: self.records.u64(off)?,
            status: self
                .records
                .u32(off.saturating_add(offset_of!(RawNiStatus, ns_status)))?,
        })
    }
}

/// Encodes our ping reply into `buf`: `0@lo`, then `nids`, all up, with the
/// features `BASE | NI_STATUS`. Returns its size.
///
/// # Errors
/// [`WireError::Short`] when `buf` is too small.
pub fn encode_ping_info(pid: u32, nids: &[Nid], buf: &mut [u8]) -> Result<usize, WireError> {
    let size = ping_info_size(nids.len() + 1);
    let mut f = FieldsMut::new("lnet_ping_info", buf, size)?;
    f.put_u32(offset_of!(RawPingInfo, pi_magic), LNET_PROTO_PING_MAGIC)?;
    f.put_u32(
        offset_of!(RawPingInfo, pi_features),
        LNET_PING_FEAT_BASE | LNET_PING_FEAT_NI_STATUS,
    )?;
    f.put_u32(offset_of!(RawPingInfo, pi_pid), pid)?;
    // `size` fitted in `buf`, so the count fits in a u32.
    f.put_u32(offset_of!(RawPingInfo, pi_nnis), (nids.len() + 1) as u32)?;
    for (i, nid) in core::iter::once(Nid::LO)
        .chain(nids.iter().copied())
        .enumerate()
    {
        let off = HDR + i * REC;
        f.put_u64(off, nid.as_u64())?;
        f.put_u32(off + offset_of!(RawNiStatus, ns_status), LNET_NI_STATUS_UP)?;
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp() -> Nid {
        "10.99.0.2@tcp".parse().unwrap()
    }

    #[test]
    fn round_trips() {
        let mut buf = [0u8; 64];
        let n = encode_ping_info(12345, &[tcp()], &mut buf).unwrap();
        assert_eq!(n, 48);
        assert_eq!(&buf[0..4], b"gnip");
        let info = PingInfo::decode(&buf[..n]).unwrap();
        assert_eq!(info.pid, 12345);
        assert_eq!(info.features, 3);
        assert_eq!(info.nnis(), 2);
        assert_eq!(
            info.ni(1).unwrap(),
            NiStatus {
                nid: tcp().as_u64(),
                status: LNET_NI_STATUS_UP
            }
        );
        assert!(info.ni(2).is_err());
    }

    #[test]
    fn accepts_the_other_byte_order() {
        let mut buf = [0u8; 32];
        buf[0..4].copy_from_slice(&LNET_PROTO_PING_MAGIC.to_be_bytes());
        buf[4..8].copy_from_slice(&3u32.to_be_bytes());
        buf[8..12].copy_from_slice(&12345u32.to_be_bytes());
        buf[12..16].copy_from_slice(&1u32.to_be_bytes());
        buf[16..24].copy_from_slice(&Nid::LO.as_u64().to_be_bytes());
        let info = PingInfo::decode(&buf).unwrap();
        assert_eq!(info.pid, 12345);
        assert_eq!(info.ni(0).unwrap().nid, Nid::LO.as_u64());
    }

    #[test]
    fn rejects_bad_replies() {
        let mut buf = [0u8; 64];
        let n = encode_ping_info(12345, &[tcp()], &mut buf).unwrap();
        assert!(matches!(
            PingInfo::decode(&buf[..n - 1]),
            Err(WireError::Short { .. })
        ));
        let mut no_status = buf;
        no_status[4] = 1;
        assert!(PingInfo::decode(&no_status).is_err());
        let mut none = buf;
        none[12] = 0;
        assert!(PingInfo::decode(&none).is_err());
        let mut huge = buf;
        huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(PingInfo::decode(&huge).is_err());
        let mut not_lo_first = buf;
        not_lo_first[16..24].copy_from_slice(&tcp().as_u64().to_le_bytes());
        assert!(PingInfo::decode(&not_lo_first).is_err());
        let mut bad_magic = buf;
        bad_magic[0] = 0;
        assert!(matches!(
            PingInfo::decode(&bad_magic),
            Err(WireError::BadMagic { .. })
        ));
    }
}
