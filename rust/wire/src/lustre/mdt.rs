//! The metadata body (`struct mdt_body`, 216 bytes): the object, its
//! attributes and the sizes of the buffers that follow, in most MDS
//! requests and replies.

use crate::wire::layout::{wire_struct, RawFid};
use crate::wire::lustre::fid::LuFid;

wire_struct! {
    /// `struct mdt_body`.
    pub struct MdtBody("mdt_body", RawMdtBody, MDT_BODY_SIZE = 216) {
        /// The object.
        fid1 @ 0: LuFid = RawFid,
        /// A second object (the parent, the target).
        fid2 @ 16: LuFid = RawFid,
        /// The open handle.
        open_handle @ 32: u64 = u64,
        /// Which attributes are meant (`OBD_MD_*`).
        valid @ 40: u64 = u64,
        /// The size (READPAGE: the hash to start at).
        size @ 48: u64 = u64,
        /// Modification time, in seconds.
        mtime @ 56: u64 = u64,
        /// Access time, in seconds.
        atime @ 64: u64 = u64,
        /// Change time, in seconds.
        ctime @ 72: u64 = u64,
        /// 512-byte blocks.
        blocks @ 80: u64 = u64,
        /// The data version.
        version @ 88: u64 = u64,
        /// Transaction state.
        t_state @ 96: u64 = u64,
        /// The caller's fs uid.
        fsuid @ 104: u32 = u32,
        /// The caller's fs gid.
        fsgid @ 108: u32 = u32,
        /// The caller's capabilities.
        capability @ 112: u32 = u32,
        /// `S_IFMT` and permission bits.
        mode @ 116: u32 = u32,
        /// Owner.
        uid @ 120: u32 = u32,
        /// Group.
        gid @ 124: u32 = u32,
        /// Inode flags.
        flags @ 128: u32 = u32,
        /// Device number.
        rdev @ 132: u32 = u32,
        /// Links (READPAGE: bytes to read).
        nlink @ 136: u32 = u32,
        /// Layout generation.
        layout_gen @ 140: u32 = u32,
        /// A supplementary group of the caller.
        suppgid @ 144: u32 = u32,
        /// The size of the layout (or EA) buffer.
        eadatasize @ 148: u32 = u32,
        /// The size of the ACL buffer.
        aclsize @ 152: u32 = u32,
        /// The largest layout.
        max_mdsize @ 156: u32 = u32,
        /// Unused, zero.
        unused3 @ 160: u32 = u32,
        /// High bits of the uid.
        uid_h @ 164: u32 = u32,
        /// High bits of the gid.
        gid_h @ 168: u32 = u32,
        /// Project id.
        projid @ 172: u32 = u32,
        /// Data-on-MDT size.
        dom_size @ 176: u64 = u64,
        /// Data-on-MDT blocks.
        dom_blocks @ 184: u64 = u64,
        /// Birth time, in seconds.
        btime @ 192: u64 = u64,
        /// Extended attributes known absent.
        xattr_absent @ 200: u64 = u64,
        /// Padding, zero.
        padding_10 @ 208: u64 = u64,
    }
}

/// `OBD_MD_FLID`: the FID is meant.
pub const OBD_MD_FLID: u64 = 0x1;
/// `OBD_MD_FLSIZE`: the size is meant.
pub const OBD_MD_FLSIZE: u64 = 0x10;
/// `OBD_MD_FLMODE`: the mode is meant.
pub const OBD_MD_FLMODE: u64 = 0x80;
/// `OBD_MD_FLEASIZE`: a layout follows.
pub const OBD_MD_FLEASIZE: u64 = 0x2_0000;
/// `OBD_MD_FLGETATTR`: the attributes a getattr asks for.
pub const OBD_MD_FLGETATTR: u64 = 0x1100_0000_0101_6fdf;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::codec::ByteOrder;

    #[test]
    fn round_trips_at_the_digest_offsets() {
        let body = MdtBody {
            fid1: LuFid::ROOT,
            valid: OBD_MD_FLGETATTR,
            mode: 0o40755,
            nlink: 2,
            eadatasize: 4096,
            dom_size: 7,
            ..MdtBody::default()
        };
        let mut buf = [0u8; MDT_BODY_SIZE];
        body.encode(&mut buf).unwrap();
        assert_eq!(&buf[0..8], &0x2_0000_0007u64.to_le_bytes());
        assert_eq!(&buf[116..120], &0o40755u32.to_le_bytes());
        assert_eq!(&buf[148..152], &4096u32.to_le_bytes());
        assert_eq!(&buf[176..184], &7u64.to_le_bytes());
        assert_eq!(MdtBody::decode(&buf, ByteOrder::Little), Ok(body));
        assert!(MdtBody::decode(&buf[..215], ByteOrder::Little).is_err());
    }
}
