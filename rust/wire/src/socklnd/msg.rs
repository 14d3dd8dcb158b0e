//! The socklnd message header (`struct ksock_msg_hdr`, 24 bytes) in front of
//! every message after the HELLO on a V2/V3 connection: a NOOP (nothing
//! follows; used for keepalives and zero-copy ACKs) or an LNet message (an
//! `lnet_hdr` and its payload follow). It is in the byte order of the
//! sender's HELLO.

use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;

/// A NOOP (`KSOCK_MSG_NOOP`).
const KSOCK_MSG_NOOP: u32 = 0xc0;
/// An LNet message (`KSOCK_MSG_LNET`).
const KSOCK_MSG_LNET: u32 = 0xc1;

/// The zero-copy cookie of a keepalive NOOP (`SOCKNAL_KEEPALIVE_PING`).
pub const SOCKNAL_KEEPALIVE_PING: u64 = 1;

#[allow(dead_code)]
#[repr(C)]
struct RawMsgHdr {
    ksh_type: u32,
    ksh_csum: u32,
    ksh_zc_cookies: [u64; 2],
}

/// The size of the header.
pub const KSOCK_MSG_HDR_SIZE: usize = size_of::<RawMsgHdr>();

const _: () = {
    assert!(KSOCK_MSG_HDR_SIZE == 24);
    assert!(offset_of!(RawMsgHdr, ksh_csum) == 4);
    assert!(offset_of!(RawMsgHdr, ksh_zc_cookies) == 8);
};

/// What follows the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KsockMsgType {
    /// Nothing.
    Noop,
    /// An `lnet_hdr` and its payload.
    Lnet,
}

/// A socklnd message header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KsockMsgHdr {
    /// What follows.
    pub msg_type: KsockMsgType,
    /// The checksum; 0 for none (we send none and do not check).
    pub csum: u32,
    /// `[0]`: a zero-copy request cookie (non-zero: acknowledge it once the
    /// payload is in); `[1]`: a cookie being acknowledged (0 for none).
    pub zc_cookies: [u64; 2],
}

/// The zero-copy acknowledgement a header carries (`ksocknal_handle_zcack`'s
/// reading of `zc_cookies`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZcAck {
    /// None.
    None,
    /// A keepalive NOOP (cookie [`SOCKNAL_KEEPALIVE_PING`]).
    Keepalive,
    /// The cookies from the first to the second, inclusive (one cookie when
    /// they are equal).
    Range(u64, u64),
    /// Two separate cookies.
    Two(u64, u64),
}

impl ZcAck {
    /// Whether `cookie` is acknowledged.
    pub fn covers(&self, cookie: u64) -> bool {
        match *self {
            ZcAck::None | ZcAck::Keepalive => false,
            ZcAck::Range(a, b) => (a..=b).contains(&cookie),
            ZcAck::Two(a, b) => cookie == a || cookie == b,
        }
    }
}

impl KsockMsgHdr {
    /// The acknowledgement this header carries: `zc_cookies[1]` of an LNET
    /// message (piggy-backed); of a NOOP, `[1]` alone when `[0]` is 0, else
    /// the range `[0]..=[1]`, or the two cookies when `[0]` is the larger.
    pub fn zc_ack(&self) -> ZcAck {
        let [c0, c1] = self.zc_cookies;
        match (self.msg_type, c0, c1) {
            (_, _, 0) => ZcAck::None,
            (KsockMsgType::Noop, 0, SOCKNAL_KEEPALIVE_PING) => ZcAck::Keepalive,
            (KsockMsgType::Lnet, _, c) | (KsockMsgType::Noop, 0, c) => ZcAck::Range(c, c),
            (KsockMsgType::Noop, a, b) if a > b => ZcAck::Two(a, b),
            (KsockMsgType::Noop, a, b) => ZcAck::Range(a, b),
        }
    }

    /// Decodes a header sent in `order`.
    ///
    /// # Errors
    /// [`WireError::BadField`] for an unknown type, [`WireError::Short`].
    pub fn decode(buf: &[u8], order: ByteOrder) -> Result<Self, WireError> {
        let f = Fields::new("ksock_msg_hdr", buf, KSOCK_MSG_HDR_SIZE, order)?;
        let msg_type = match f.u32(offset_of!(RawMsgHdr, ksh_type))? {
            KSOCK_MSG_NOOP => KsockMsgType::Noop,
            KSOCK_MSG_LNET => KsockMsgType::Lnet,
            other => {
                return Err(WireError::BadField {
                    field: "ksock_msg_hdr.ksh_type",
                    value: other.into(),
                })
            }
        };
        let cookies = offset_of!(RawMsgHdr, ksh_zc_cookies);
        Ok(KsockMsgHdr {
            msg_type,
            csum: f.u32(offset_of!(RawMsgHdr, ksh_csum))?,
            zc_cookies: [f.u64(cookies)?, f.u64(cookies + 8)?],
        })
    }

    /// Encodes the header into the first [`KSOCK_MSG_HDR_SIZE`] bytes of
    /// `buf`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("ksock_msg_hdr", buf, KSOCK_MSG_HDR_SIZE)?;
        let t = match self.msg_type {
            KsockMsgType::Noop => KSOCK_MSG_NOOP,
            KsockMsgType::Lnet => KSOCK_MSG_LNET,
        };
        f.put_u32(offset_of!(RawMsgHdr, ksh_type), t)?;
        f.put_u32(offset_of!(RawMsgHdr, ksh_csum), self.csum)?;
        let cookies = offset_of!(RawMsgHdr, ksh_zc_cookies);
        f.put_u64(cookies, self.zc_cookies[0])?;
        f.put_u64(cookies + 8, self.zc_cookies[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_keepalive() {
        let noop = KsockMsgHdr {
            msg_type: KsockMsgType::Noop,
            csum: 0,
            zc_cookies: [0, SOCKNAL_KEEPALIVE_PING],
        };
        let mut buf = [0u8; KSOCK_MSG_HDR_SIZE];
        noop.encode(&mut buf).unwrap();
        assert_eq!(&buf[0..4], &[0xc0, 0, 0, 0]);
        assert_eq!(&buf[16..24], &[1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(KsockMsgHdr::decode(&buf, ByteOrder::Little), Ok(noop));
    }

    fn hdr(msg_type: KsockMsgType, zc_cookies: [u64; 2]) -> KsockMsgHdr {
        KsockMsgHdr {
            msg_type,
            csum: 0,
            zc_cookies,
        }
    }

    #[test]
    fn reads_zero_copy_acknowledgements_as_lustre_does() {
        use KsockMsgType::{Lnet, Noop};
        assert_eq!(hdr(Lnet, [7, 0]).zc_ack(), ZcAck::None);
        assert_eq!(hdr(Noop, [0, 1]).zc_ack(), ZcAck::Keepalive);
        assert_eq!(hdr(Noop, [0, 5]).zc_ack(), ZcAck::Range(5, 5));
        // Piggy-backed on an LNET message, which may ask for one too.
        assert_eq!(hdr(Lnet, [9, 5]).zc_ack(), ZcAck::Range(5, 5));
        assert_eq!(hdr(Noop, [3, 6]).zc_ack(), ZcAck::Range(3, 6));
        assert_eq!(hdr(Noop, [8, 4]).zc_ack(), ZcAck::Two(8, 4));
        let range = hdr(Noop, [3, 6]).zc_ack();
        assert!(range.covers(3) && range.covers(6) && !range.covers(7));
        let two = hdr(Noop, [8, 4]).zc_ack();
        assert!(two.covers(8) && two.covers(4) && !two.covers(5));
    }

    #[test]
    fn decodes_a_big_endian_peer_and_rejects_bad_types() {
        let mut buf = [0u8; KSOCK_MSG_HDR_SIZE];
        buf[0..4].copy_from_slice(&0xc1u32.to_be_bytes());
        buf[8..16].copy_from_slice(&5u64.to_be_bytes());
        let h = KsockMsgHdr::decode(&buf, ByteOrder::Big).unwrap();
        assert_eq!(h.msg_type, KsockMsgType::Lnet);
        assert_eq!(h.zc_cookies, [5, 0]);
        assert!(KsockMsgHdr::decode(&buf, ByteOrder::Little).is_err());
        assert!(KsockMsgHdr::decode(&buf[..23], ByteOrder::Big).is_err());
    }
}
