//! The control interface of `lnet.ko`: the ioctls on `/dev/lnet` that
//! `lctl network up|down`, `lctl list_nids` and `lctl ping` use.
//!
//! Each ioctl passes one fixed-size buffer, read and written with this
//! module's codec on both sides (little-endian fields, like everything this
//! crate encodes), so `lnet.ko` and `lctl` cannot disagree on a layout. The
//! ioctl numbers are `_IOWR(LNET_IOC_TYPE, nr, size)` with the numbers and
//! sizes below; each side computes them with its platform's `_IOC` encoding.

use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;

/// The ioctl type letter of `/dev/lnet`.
pub const LNET_IOC_TYPE: u8 = b'e';

/// The most NIDs an ioctl reports.
pub const LNET_IOC_MAX_NIDS: usize = 16;

/// The ioctl that lists the node's NIDs: [`ListNids`].
pub const LNET_IOC_LIST_NIDS: u8 = 1;

/// The ioctl that pings a NID: [`PingRequest`] in, [`PingResult`] out.
pub const LNET_IOC_PING: u8 = 2;

/// The ioctl that brings the networks up (`lctl network up`); the other
/// ioctls do too, when they need them.
pub const LNET_IOC_NETWORK_UP: u8 = 3;

/// The ioctl that takes the networks down (`lctl network down`).
pub const LNET_IOC_NETWORK_DOWN: u8 = 4;

/// The buffer size of [`LNET_IOC_NETWORK_UP`] and
/// [`LNET_IOC_NETWORK_DOWN`]: one reserved `u64`, zero.
pub const NETWORK_SIZE: usize = 8;

#[allow(dead_code)]
#[repr(C)]
struct RawListNids {
    count: u32,
    pad: u32,
    nids: [u64; LNET_IOC_MAX_NIDS],
}

/// The buffer size of [`LNET_IOC_LIST_NIDS`].
pub const LIST_NIDS_SIZE: usize = size_of::<RawListNids>();

#[allow(dead_code)]
#[repr(C)]
struct RawPingNi {
    nid: u64,
    status: u32,
    pad: u32,
}

#[allow(dead_code)]
#[repr(C)]
struct RawPing {
    nid: u64,
    timeout_ms: u32,
    nnis: u32,
    pid: u32,
    features: u32,
    nis: [RawPingNi; LNET_IOC_MAX_NIDS],
}

/// The buffer size of [`LNET_IOC_PING`].
pub const PING_SIZE: usize = size_of::<RawPing>();

const _: () = {
    assert!(LIST_NIDS_SIZE == 136);
    assert!(offset_of!(RawListNids, nids) == 8);
    assert!(PING_SIZE == 280);
    assert!(offset_of!(RawPing, timeout_ms) == 8);
    assert!(offset_of!(RawPing, nnis) == 12);
    assert!(offset_of!(RawPing, pid) == 16);
    assert!(offset_of!(RawPing, features) == 20);
    assert!(offset_of!(RawPing, nis) == 24);
    assert!(size_of::<RawPingNi>() == 16);
    assert!(offset_of!(RawPingNi, status) == 8);
};

/// The answer to [`LNET_IOC_LIST_NIDS`]: the node's NIDs (`lnet_nid_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListNids {
    /// The NIDs; the first [`ListNids::count`] are valid.
    pub nids: [u64; LNET_IOC_MAX_NIDS],
    /// How many there are.
    pub count: usize,
}

impl ListNids {
    /// Encodes the answer into `buf` ([`LIST_NIDS_SIZE`] bytes).
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("lnet_ioc_list_nids", buf, LIST_NIDS_SIZE)?;
        let count = self.count.min(LNET_IOC_MAX_NIDS);
        // At most LNET_IOC_MAX_NIDS.
        f.put_u32(offset_of!(RawListNids, count), count as u32)?;
        for (i, nid) in self.nids.iter().take(count).enumerate() {
            f.put_u64(offset_of!(RawListNids, nids) + 8 * i, *nid)?;
        }
        Ok(())
    }

    /// Decodes an answer.
    ///
    /// # Errors
    /// [`WireError::Short`], or [`WireError::BadField`] for a count over
    /// [`LNET_IOC_MAX_NIDS`].
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let f = Fields::new("lnet_ioc_list_nids", buf, LIST_NIDS_SIZE, ByteOrder::Little)?;
        let count = checked_count(f.u32(offset_of!(RawListNids, count))?, "count")?;
        let mut nids = [0; LNET_IOC_MAX_NIDS];
        for (i, nid) in nids.iter_mut().take(count).enumerate() {
            *nid = f.u64(offset_of!(RawListNids, nids) + 8 * i)?;
        }
        Ok(ListNids { nids, count })
    }
}

/// What [`LNET_IOC_PING`] asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingRequest {
    /// The NID to ping.
    pub nid: u64,
    /// How long to wait for the answer, in milliseconds.
    pub timeout_ms: u32,
}

impl PingRequest {
    /// Encodes the request into `buf` ([`PING_SIZE`] bytes).
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("lnet_ioc_ping", buf, PING_SIZE)?;
        f.put_u64(offset_of!(RawPing, nid), self.nid)?;
        f.put_u32(offset_of!(RawPing, timeout_ms), self.timeout_ms)
    }

    /// Decodes a request.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let f = Fields::new("lnet_ioc_ping", buf, PING_SIZE, ByteOrder::Little)?;
        Ok(PingRequest {
            nid: f.u64(offset_of!(RawPing, nid))?,
            timeout_ms: f.u32(offset_of!(RawPing, timeout_ms))?,
        })
    }
}

/// What [`LNET_IOC_PING`] answers: the peer's ping reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingResult {
    /// The peer's PID.
    pub pid: u32,
    /// The peer's feature bits (`LNET_PING_FEAT_*`).
    pub features: u32,
    /// The peer's interfaces as (NID, status); the first
    /// [`PingResult::count`] are valid.
    pub nis: [(u64, u32); LNET_IOC_MAX_NIDS],
    /// How many there are.
    pub count: usize,
}

impl PingResult {
    /// Encodes the answer into `buf` ([`PING_SIZE`] bytes), in place of the
    /// request.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("lnet_ioc_ping", buf, PING_SIZE)?;
        let count = self.count.min(LNET_IOC_MAX_NIDS);
        // At most LNET_IOC_MAX_NIDS.
        f.put_u32(offset_of!(RawPing, nnis), count as u32)?;
        f.put_u32(offset_of!(RawPing, pid), self.pid)?;
        f.put_u32(offset_of!(RawPing, features), self.features)?;
        for (i, (nid, status)) in self.nis.iter().take(count).enumerate() {
            let off = offset_of!(RawPing, nis) + i * size_of::<RawPingNi>();
            f.put_u64(off + offset_of!(RawPingNi, nid), *nid)?;
            f.put_u32(off + offset_of!(RawPingNi, status), *status)?;
        }
        Ok(())
    }

    /// Decodes an answer.
    ///
    /// # Errors
    /// [`WireError::Short`], or [`WireError::BadField`] for a count over
    /// [`LNET_IOC_MAX_NIDS`].
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let f = Fields::new("lnet_ioc_ping", buf, PING_SIZE, ByteOrder::Little)?;
        let count = checked_count(f.u32(offset_of!(RawPing, nnis))?, "nnis")?;
        let mut nis = [(0, 0); LNET_IOC_MAX_NIDS];
        for (i, ni) in nis.iter_mut().take(count).enumerate() {
            let off = offset_of!(RawPing, nis) + i * size_of::<RawPingNi>();
            *ni = (
                f.u64(off + offset_of!(RawPingNi, nid))?,
                f.u32(off + offset_of!(RawPingNi, status))?,
            );
        }
        Ok(PingResult {
            pid: f.u32(offset_of!(RawPing, pid))?,
            features: f.u32(offset_of!(RawPing, features))?,
            nis,
            count,
        })
    }
}

fn checked_count(count: u32, field: &'static str) -> Result<usize, WireError> {
    match usize::try_from(count) {
        Ok(n) if n <= LNET_IOC_MAX_NIDS => Ok(n),
        _ => Err(WireError::BadField {
            field,
            value: count.into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut nids = [0; LNET_IOC_MAX_NIDS];
        nids[0] = 0x0002_0000_0a63_0001;
        let list = ListNids { nids, count: 1 };
        let mut buf = [0u8; LIST_NIDS_SIZE];
        list.encode(&mut buf).unwrap();
        assert_eq!(ListNids::decode(&buf), Ok(list));

        let mut buf = [0u8; PING_SIZE];
        let req = PingRequest {
            nid: nids[0],
            timeout_ms: 5000,
        };
        req.encode(&mut buf).unwrap();
        assert_eq!(PingRequest::decode(&buf), Ok(req));
        let mut nis = [(0, 0); LNET_IOC_MAX_NIDS];
        nis[0] = (0x0009_0000_0000_0000, 0x15aa_c0de);
        nis[1] = (nids[0], 0x15aa_c0de);
        let res = PingResult {
            pid: 12345,
            features: 3,
            nis,
            count: 2,
        };
        res.encode(&mut buf).unwrap();
        assert_eq!(PingResult::decode(&buf), Ok(res));
    }

    #[test]
    fn rejects_bad_counts() {
        let mut buf = [0u8; PING_SIZE];
        buf[12] = 17;
        assert!(PingResult::decode(&buf).is_err());
        let mut buf = [0u8; LIST_NIDS_SIZE];
        buf[0] = 17;
        assert!(ListNids::decode(&buf).is_err());
        assert!(ListNids::decode(&buf[..8]).is_err());
    }
}
