//! The acceptor's connection request (`struct lnet_acceptor_connreq`,
//! version 1, 16 bytes): the first bytes that the connecting side sends on a
//! new TCP connection to port 988, naming the NID it wants to reach. No reply
//! follows a good request; the socklnd HELLO comes next on the same socket.
//! It is sent in the sender's byte order.

use core::mem::{offset_of, size_of};

use super::LNET_PROTO_MAGIC;
use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;

/// The acceptor's magic (`LNET_PROTO_ACCEPTOR_MAGIC`).
pub const LNET_PROTO_ACCEPTOR_MAGIC: u32 = 0xacce_7100;

/// The version of the request with a 64-bit NID.
pub const LNET_PROTO_ACCEPTOR_VERSION: u32 = 1;

#[allow(dead_code)]
#[repr(C)]
struct RawConnReq {
    acr_magic: u32,
    acr_version: u32,
    acr_nid: u64,
}

/// The size of a version 1 request.
pub const CONNREQ_SIZE: usize = size_of::<RawConnReq>();

const _: () = {
    assert!(CONNREQ_SIZE == 16);
    assert!(offset_of!(RawConnReq, acr_version) == 4);
    assert!(offset_of!(RawConnReq, acr_nid) == 8);
};

/// What the first bytes of an incoming connection are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnReq {
    /// A version 1 request for `nid` (`lnet_nid_t`).
    V1 {
        /// The NID the connecting side wants to reach.
        nid: u64,
    },
    /// A socklnd HELLO sent without a request first, or a request of a
    /// version we do not speak: answer with [`encode_v1`] (NID 0), which
    /// tells the peer what we speak, then close.
    Unsupported,
}

impl ConnReq {
    /// Decodes the request at the start of `buf`.
    ///
    /// # Errors
    /// [`WireError`] when `buf` is short or holds neither magic.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let magic = Fields::new("lnet_acceptor_connreq", buf, 4, ByteOrder::Little)?.u32(0)?;
        if ByteOrder::from_magic(magic, LNET_PROTO_MAGIC).is_some() {
            return Ok(ConnReq::Unsupported);
        }
        let order =
            ByteOrder::from_magic(magic, LNET_PROTO_ACCEPTOR_MAGIC).ok_or(WireError::BadMagic {
                what: "lnet_acceptor_connreq",
                magic,
            })?;
        let f = Fields::new("lnet_acceptor_connreq", buf, 8, order)?;
        if f.u32(offset_of!(RawConnReq, acr_version))? != LNET_PROTO_ACCEPTOR_VERSION {
            return Ok(ConnReq::Unsupported);
        }
        let f = Fields::new("lnet_acceptor_connreq", buf, CONNREQ_SIZE, order)?;
        Ok(ConnReq::V1 {
            nid: f.u64(offset_of!(RawConnReq, acr_nid))?,
        })
    }
}

/// Encodes a version 1 request for `nid` into the first [`CONNREQ_SIZE`]
/// bytes of `buf`.
///
/// # Errors
/// [`WireError::Short`] when `buf` is too small.
pub fn encode_v1(nid: u64, buf: &mut [u8]) -> Result<(), WireError> {
    let mut f = FieldsMut::new("lnet_acceptor_connreq", buf, CONNREQ_SIZE)?;
    f.put_u32(offset_of!(RawConnReq, acr_magic), LNET_PROTO_ACCEPTOR_MAGIC)?;
    f.put_u32(
        offset_of!(RawConnReq, acr_version),
        LNET_PROTO_ACCEPTOR_VERSION,
    )?;
    f.put_u64(offset_of!(RawConnReq, acr_nid), nid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_matches_bytes() {
        let mut buf = [0u8; CONNREQ_SIZE];
        encode_v1(0x0002_0000_0a63_0002, &mut buf).unwrap();
        assert_eq!(
            buf,
            [0x00, 0x71, 0xce, 0xac, 1, 0, 0, 0, 0x02, 0x00, 0x63, 0x0a, 0, 0, 2, 0]
        );
        assert_eq!(
            ConnReq::decode(&buf),
            Ok(ConnReq::V1 {
                nid: 0x0002_0000_0a63_0002
            })
        );
    }

    #[test]
    fn accepts_the_other_byte_order() {
        let mut buf = [0u8; 16];
        buf[0..4].copy_from_slice(&LNET_PROTO_ACCEPTOR_MAGIC.to_be_bytes());
        buf[4..8].copy_from_slice(&1u32.to_be_bytes());
        buf[8..16].copy_from_slice(&0x0002_0000_0a63_0002u64.to_be_bytes());
        assert_eq!(
            ConnReq::decode(&buf),
            Ok(ConnReq::V1 {
                nid: 0x0002_0000_0a63_0002
            })
        );
    }

    #[test]
    fn classifies_other_openings() {
        let mut hello = [0u8; 16];
        hello[0..4].copy_from_slice(&LNET_PROTO_MAGIC.to_le_bytes());
        assert_eq!(ConnReq::decode(&hello), Ok(ConnReq::Unsupported));
        let mut v2 = [0u8; 16];
        encode_v1(1, &mut v2).unwrap();
        v2[4] = 2;
        assert_eq!(ConnReq::decode(&v2), Ok(ConnReq::Unsupported));
        assert_eq!(
            ConnReq::decode(&[1, 2, 3, 4, 0, 0, 0, 0]),
            Err(WireError::BadMagic {
                what: "lnet_acceptor_connreq",
                magic: 0x0403_0201
            })
        );
        let mut short = [0u8; 16];
        encode_v1(1, &mut short).unwrap();
        assert!(matches!(
            ConnReq::decode(&short[..12]),
            Err(WireError::Short { need: 16, .. })
        ));
    }
}
