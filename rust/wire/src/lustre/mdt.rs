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

/// `OBD_MD_FLID`: the FID.
pub const OBD_MD_FLID: u64 = 0x1;
/// `OBD_MD_FLATIME`: the access time.
pub const OBD_MD_FLATIME: u64 = 0x2;
/// `OBD_MD_FLMTIME`: the modification time.
pub const OBD_MD_FLMTIME: u64 = 0x4;
/// `OBD_MD_FLCTIME`: the change time.
pub const OBD_MD_FLCTIME: u64 = 0x8;
/// `OBD_MD_FLSIZE`: the size.
pub const OBD_MD_FLSIZE: u64 = 0x10;
/// `OBD_MD_FLBLOCKS`: the blocks.
pub const OBD_MD_FLBLOCKS: u64 = 0x20;
/// `OBD_MD_FLBLKSZ`: the block size.
pub const OBD_MD_FLBLKSZ: u64 = 0x40;
/// `OBD_MD_FLMODE`: the permission bits.
pub const OBD_MD_FLMODE: u64 = 0x80;
/// `OBD_MD_FLTYPE`: the file type.
pub const OBD_MD_FLTYPE: u64 = 0x100;
/// `OBD_MD_FLUID`: the owner.
pub const OBD_MD_FLUID: u64 = 0x200;
/// `OBD_MD_FLGID`: the group.
pub const OBD_MD_FLGID: u64 = 0x400;
/// `OBD_MD_FLFLAGS`: the flags.
pub const OBD_MD_FLFLAGS: u64 = 0x800;
/// `OBD_MD_FLNLINK`: the link count.
pub const OBD_MD_FLNLINK: u64 = 0x2000;
/// `OBD_MD_FLPARENT`: the parent.
pub const OBD_MD_FLPARENT: u64 = 0x4000;
/// `OBD_MD_FLRDEV`: the device number.
pub const OBD_MD_FLRDEV: u64 = 0x10000;
/// `OBD_MD_FLEASIZE`: a file layout follows.
pub const OBD_MD_FLEASIZE: u64 = 0x20000;
/// `OBD_MD_LINKNAME`: a symlink target follows.
pub const OBD_MD_LINKNAME: u64 = 0x40000;
/// `OBD_MD_FLHANDLE`: the open handle.
pub const OBD_MD_FLHANDLE: u64 = 0x80000;
/// `OBD_MD_FLGROUP`: the object's group (sequence).
pub const OBD_MD_FLGROUP: u64 = 0x100_0000;
/// `OBD_MD_FLFID`: the parent FID.
pub const OBD_MD_FLFID: u64 = 0x200_0000;
/// `OBD_MD_FLGRANT`: the grant.
pub const OBD_MD_FLGRANT: u64 = 0x800_0000;
/// `OBD_MD_FLDIREA`: a directory layout follows.
pub const OBD_MD_FLDIREA: u64 = 0x1000_0000;
/// `OBD_MD_FLMODEASIZE`: the largest layout size.
pub const OBD_MD_FLMODEASIZE: u64 = 0x8000_0000;
/// `OBD_MD_MEA`: a directory stripe layout.
pub const OBD_MD_MEA: u64 = 0x4_0000_0000;
/// `OBD_MD_FLXATTR`: an extended attribute value.
pub const OBD_MD_FLXATTR: u64 = 0x10_0000_0000;
/// `OBD_MD_FLXATTRLS`: the list of extended attribute names.
pub const OBD_MD_FLXATTRLS: u64 = 0x20_0000_0000;
/// `OBD_MD_FLXATTRRM`: remove the extended attribute.
pub const OBD_MD_FLXATTRRM: u64 = 0x40_0000_0000;
/// `OBD_MD_FLACL`: an ACL follows.
pub const OBD_MD_FLACL: u64 = 0x80_0000_0000;
/// `OBD_MD_FLPROJID`: the project id.
pub const OBD_MD_FLPROJID: u64 = 0x0100_0000_0000_0000;
/// `OBD_MD_FLBTIME`: the birth time.
pub const OBD_MD_FLBTIME: u64 = 0x1000_0000_0000_0000;
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
