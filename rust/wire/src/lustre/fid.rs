//! The file identifier (`struct lu_fid`, 16 bytes): a sequence, an object id
//! within it and a version, printed `[0xSEQ:0xOID:0xVER]`. Every object of a
//! Lustre file system, on the MDTs and the OSTs, is named by one.

use core::fmt;
use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;

#[allow(dead_code)]
#[repr(C)]
struct RawFid {
    f_seq: u64,
    f_oid: u32,
    f_ver: u32,
}

/// The size of a FID on the wire.
pub const LU_FID_SIZE: usize = size_of::<RawFid>();

const _: () = {
    assert!(LU_FID_SIZE == 16);
    assert!(offset_of!(RawFid, f_oid) == 8);
    assert!(offset_of!(RawFid, f_ver) == 12);
};

/// A file identifier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LuFid {
    /// The sequence (`f_seq`).
    pub seq: u64,
    /// The object id within the sequence (`f_oid`).
    pub oid: u32,
    /// The version (`f_ver`), 0 for a file's current version.
    pub ver: u32,
}

/// The sequence of the root directory (`FID_SEQ_ROOT`).
pub const FID_SEQ_ROOT: u64 = 0x2_0000_0007;
/// The sequence of the hidden `.lustre` directory (`FID_SEQ_DOT_LUSTRE`).
pub const FID_SEQ_DOT_LUSTRE: u64 = 0x2_0000_0002;
/// The first sequence of normal FIDs (`FID_SEQ_NORMAL`).
pub const FID_SEQ_NORMAL: u64 = 0x2_0000_0400;

impl LuFid {
    /// The root directory of every Lustre file system, `[0x200000007:0x1:0x0]`.
    pub const ROOT: LuFid = LuFid {
        seq: FID_SEQ_ROOT,
        oid: 1,
        ver: 0,
    };

    /// Whether this is the zero FID, which names nothing.
    pub const fn is_zero(&self) -> bool {
        self.seq == 0 && self.oid == 0 && self.ver == 0
    }

    /// Decodes a FID in byte order `order` from the start of `buf`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` has fewer than 16 bytes.
    pub fn decode(buf: &[u8], order: ByteOrder) -> Result<Self, WireError> {
        let f = Fields::new("lu_fid", buf, LU_FID_SIZE, order)?;
        Ok(LuFid {
            seq: f.u64(offset_of!(RawFid, f_seq))?,
            oid: f.u32(offset_of!(RawFid, f_oid))?,
            ver: f.u32(offset_of!(RawFid, f_ver))?,
        })
    }

    /// Encodes the FID into the first 16 bytes of `buf`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("lu_fid", buf, LU_FID_SIZE)?;
        f.put_u64(offset_of!(RawFid, f_seq), self.seq)?;
        f.put_u32(offset_of!(RawFid, f_oid), self.oid)?;
        f.put_u32(offset_of!(RawFid, f_ver), self.ver)
    }
}

impl fmt::Display for LuFid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{:#x}:{:#x}:{:#x}]", self.seq, self.oid, self.ver)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn formats_like_lustre() {
        assert_eq!(LuFid::ROOT.to_string(), "[0x200000007:0x1:0x0]");
        assert!(LuFid::default().is_zero());
        assert!(!LuFid::ROOT.is_zero());
    }

    #[test]
    fn round_trips_in_both_byte_orders() {
        let fid = LuFid {
            seq: 0x2_0000_0401,
            oid: 0x1234,
            ver: 0,
        };
        let mut buf = [0u8; 16];
        fid.encode(&mut buf).unwrap();
        assert_eq!(buf, [1, 4, 0, 0, 2, 0, 0, 0, 0x34, 0x12, 0, 0, 0, 0, 0, 0]);
        assert_eq!(LuFid::decode(&buf, ByteOrder::Little), Ok(fid));
        let mut be = [0u8; 16];
        be[0..8].copy_from_slice(&fid.seq.to_be_bytes());
        be[8..12].copy_from_slice(&fid.oid.to_be_bytes());
        assert_eq!(LuFid::decode(&be, ByteOrder::Big), Ok(fid));
        assert!(LuFid::decode(&buf[..15], ByteOrder::Little).is_err());
    }
}
