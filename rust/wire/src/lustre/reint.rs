//! The records of MDS_REINT requests (and of open intents and close), all
//! 136 bytes with a common prefix: the sub-operation, the caller's
//! credentials and two FIDs. [`MdtRecCreate`] (create and open) and
//! [`MdtRecSetattr`] have layouts of their own; unlink, rename and link use
//! the generic [`MdtRecReint`] view.

use crate::wire::layout::{wire_struct, RawFid};
use crate::wire::lustre::fid::LuFid;

/// `REINT_SETATTR`.
pub const REINT_SETATTR: u32 = 1;
/// `REINT_CREATE`.
pub const REINT_CREATE: u32 = 2;
/// `REINT_LINK`.
pub const REINT_LINK: u32 = 3;
/// `REINT_UNLINK`.
pub const REINT_UNLINK: u32 = 4;
/// `REINT_RENAME`.
pub const REINT_RENAME: u32 = 5;
/// `REINT_OPEN`.
pub const REINT_OPEN: u32 = 6;
/// `REINT_SETXATTR`.
pub const REINT_SETXATTR: u32 = 7;
/// `REINT_RMENTRY`.
pub const REINT_RMENTRY: u32 = 8;

/// The size of every reint record.
pub const MDT_REC_SIZE: usize = 136;

/// `MDS_ATTR_MODE` in `sa_valid`: the mode.
pub const MDS_ATTR_MODE: u64 = 0x1;
/// `MDS_ATTR_UID` in `sa_valid`: the owner.
pub const MDS_ATTR_UID: u64 = 0x2;
/// `MDS_ATTR_GID` in `sa_valid`: the group.
pub const MDS_ATTR_GID: u64 = 0x4;
/// `MDS_ATTR_SIZE` in `sa_valid`: the size.
pub const MDS_ATTR_SIZE: u64 = 0x8;
/// `MDS_ATTR_ATIME` in `sa_valid`: the access time, to now.
pub const MDS_ATTR_ATIME: u64 = 0x10;
/// `MDS_ATTR_MTIME` in `sa_valid`: the modification time, to now.
pub const MDS_ATTR_MTIME: u64 = 0x20;
/// `MDS_ATTR_CTIME` in `sa_valid`: the change time.
pub const MDS_ATTR_CTIME: u64 = 0x40;
/// `MDS_ATTR_ATIME_SET` in `sa_valid`: the access time, as given.
pub const MDS_ATTR_ATIME_SET: u64 = 0x80;
/// `MDS_ATTR_MTIME_SET` in `sa_valid`: the modification time, as given.
pub const MDS_ATTR_MTIME_SET: u64 = 0x100;
/// `MDS_ATTR_FORCE` in `sa_valid`: whatever the permissions.
pub const MDS_ATTR_FORCE: u64 = 0x200;
/// `MDS_ATTR_ATTR_FLAG` in `sa_valid`: the inode flags.
pub const MDS_ATTR_ATTR_FLAG: u64 = 0x400;
/// `MDS_ATTR_KILL_SUID` in `sa_valid`: clear set-user-id.
pub const MDS_ATTR_KILL_SUID: u64 = 0x800;
/// `MDS_ATTR_KILL_SGID` in `sa_valid`: clear set-group-id.
pub const MDS_ATTR_KILL_SGID: u64 = 0x1000;
/// `MDS_ATTR_CTIME_SET` in `sa_valid`: the change time, as given.
pub const MDS_ATTR_CTIME_SET: u64 = 0x2000;
/// `MDS_ATTR_FROM_OPEN` in `sa_valid`: part of an open.
pub const MDS_ATTR_FROM_OPEN: u64 = 0x4000;
/// `MDS_ATTR_BLOCKS` in `sa_valid`: the blocks.
pub const MDS_ATTR_BLOCKS: u64 = 0x8000;
/// `MDS_ATTR_PROJID` in `sa_valid`: the project id.
pub const MDS_ATTR_PROJID: u64 = 0x10000;

wire_struct! {
    /// `struct mdt_rec_create`: create (mkdir, mknod, symlink) and open.
    /// `fid1` is the parent, `fid2` the new object (allocated by the
    /// client) or the object opened by FID.
    pub struct MdtRecCreate("mdt_rec_create", RawMdtRecCreate, MDT_REC_CREATE_SIZE = 136) {
        /// `REINT_CREATE` or `REINT_OPEN`.
        cr_opcode @ 0: u32 = u32,
        /// The caller's capabilities.
        cr_cap @ 4: u32 = u32,
        /// The caller's fs uid.
        cr_fsuid @ 8: u32 = u32,
        /// The layout version.
        cr_layout_ver @ 12: u32 = u32,
        /// The caller's fs gid.
        cr_fsgid @ 16: u32 = u32,
        /// High bits of the fs gid.
        cr_fsgid_h @ 20: u32 = u32,
        /// A supplementary group.
        cr_suppgid1 @ 24: u32 = u32,
        /// High bits.
        cr_suppgid1_h @ 28: u32 = u32,
        /// Another supplementary group.
        cr_suppgid2 @ 32: u32 = u32,
        /// High bits.
        cr_suppgid2_h @ 36: u32 = u32,
        /// The parent directory.
        cr_fid1 @ 40: LuFid = RawFid,
        /// The object.
        cr_fid2 @ 56: LuFid = RawFid,
        /// The open handle of a replayed open.
        cr_open_handle_old @ 72: u64 = u64,
        /// The time of the operation, in seconds.
        cr_time @ 80: u64 = u64,
        /// The device number.
        cr_rdev @ 88: u64 = u64,
        /// The I/O epoch.
        cr_ioepoch @ 96: u64 = u64,
        /// Padding, zero.
        cr_padding_1 @ 104: u64 = u64,
        /// `S_IFMT` and permission bits.
        cr_mode @ 112: u32 = u32,
        /// `MDS_*` operation bias.
        cr_bias @ 116: u32 = u32,
        /// Low bits of the open flags (`MDS_OPEN_*`, `MDS_FMODE_*`).
        cr_flags_l @ 120: u32 = u32,
        /// High bits of the open flags.
        cr_flags_h @ 124: u32 = u32,
        /// The caller's umask.
        cr_umask @ 128: u32 = u32,
        /// Padding, zero.
        cr_padding_4 @ 132: u32 = u32,
    }
}

wire_struct! {
    /// `struct mdt_rec_setattr`: change the attributes of `sa_fid`.
    pub struct MdtRecSetattr("mdt_rec_setattr", RawMdtRecSetattr, MDT_REC_SETATTR_SIZE = 136) {
        /// `REINT_SETATTR`.
        sa_opcode @ 0: u32 = u32,
        /// The caller's capabilities.
        sa_cap @ 4: u32 = u32,
        /// The caller's fs uid.
        sa_fsuid @ 8: u32 = u32,
        /// High bits of the fs uid.
        sa_fsuid_h @ 12: u32 = u32,
        /// The caller's fs gid.
        sa_fsgid @ 16: u32 = u32,
        /// High bits of the fs gid.
        sa_fsgid_h @ 20: u32 = u32,
        /// A supplementary group.
        sa_suppgid @ 24: u32 = u32,
        /// High bits.
        sa_suppgid_h @ 28: u32 = u32,
        /// Padding, zero.
        sa_padding_1 @ 32: u32 = u32,
        /// Padding, zero.
        sa_padding_1_h @ 36: u32 = u32,
        /// The object.
        sa_fid @ 40: LuFid = RawFid,
        /// Which attributes change (`MDS_ATTR_*`).
        sa_valid @ 56: u64 = u64,
        /// Owner.
        sa_uid @ 64: u32 = u32,
        /// Group.
        sa_gid @ 68: u32 = u32,
        /// Size.
        sa_size @ 72: u64 = u64,
        /// 512-byte blocks.
        sa_blocks @ 80: u64 = u64,
        /// Modification time, in seconds.
        sa_mtime @ 88: u64 = u64,
        /// Access time, in seconds.
        sa_atime @ 96: u64 = u64,
        /// Change time, in seconds.
        sa_ctime @ 104: u64 = u64,
        /// Inode flags.
        sa_attr_flags @ 112: u32 = u32,
        /// `S_IFMT` and permission bits.
        sa_mode @ 116: u32 = u32,
        /// `MDS_*` operation bias.
        sa_bias @ 120: u32 = u32,
        /// Project id.
        sa_projid @ 124: u32 = u32,
        /// Padding, zero.
        sa_padding_4 @ 128: u32 = u32,
        /// Padding, zero.
        sa_padding_5 @ 132: u32 = u32,
    }
}

/// `MDS_FMODE_READ` in an open's `cr_flags`.
pub const MDS_FMODE_READ: u64 = 0o1;
/// `MDS_FMODE_WRITE`.
pub const MDS_FMODE_WRITE: u64 = 0o2;
/// `MDS_OPEN_CREAT`: create it if it does not exist.
pub const MDS_OPEN_CREAT: u64 = 0o100;
/// `MDS_OPEN_EXCL`: with `MDS_OPEN_CREAT`, fail if it exists.
pub const MDS_OPEN_EXCL: u64 = 0o200;
/// `MDS_OPEN_TRUNC`.
pub const MDS_OPEN_TRUNC: u64 = 0o1000;
/// `MDS_OPEN_BY_FID`: open `cr_fid2`, not a name.
pub const MDS_OPEN_BY_FID: u64 = 0o40_000_000;
/// `MDS_OPEN_DELAY_CREATE`: create no OST objects yet.
pub const MDS_OPEN_DELAY_CREATE: u64 = 0o100_000_000;
/// `MDS_OPEN_HAS_EA`: the request carries the striping to create.
pub const MDS_OPEN_HAS_EA: u64 = 0o10_000_000_000;

/// `XATTR_CREATE` in `sx_flags`: fail if the attribute exists.
pub const XATTR_CREATE: u32 = 1;
/// `XATTR_REPLACE` in `sx_flags`: fail unless the attribute exists.
pub const XATTR_REPLACE: u32 = 2;

wire_struct! {
    /// `struct mdt_rec_setxattr` (REINT_SETXATTR): the name and value
    /// travel in their own buffers.
    pub struct MdtRecSetxattr("mdt_rec_setxattr", RawMdtRecSetxattr, MDT_REC_SETXATTR_SIZE = 136) {
        /// `REINT_SETXATTR`.
        sx_opcode @ 0: u32 = u32,
        /// The caller's capabilities.
        sx_cap @ 4: u32 = u32,
        /// The caller's fs uid.
        sx_fsuid @ 8: u32 = u32,
        /// High bits of the fs uid.
        sx_fsuid_h @ 12: u32 = u32,
        /// The caller's fs gid.
        sx_fsgid @ 16: u32 = u32,
        /// High bits of the fs gid.
        sx_fsgid_h @ 20: u32 = u32,
        /// A supplementary group.
        sx_suppgid1 @ 24: u32 = u32,
        /// High bits.
        sx_suppgid1_h @ 28: u32 = u32,
        /// Another supplementary group.
        sx_suppgid2 @ 32: u32 = u32,
        /// High bits.
        sx_suppgid2_h @ 36: u32 = u32,
        /// The object.
        sx_fid @ 40: LuFid = RawFid,
        /// Padding, zero (where the other records have `fid2`).
        sx_padding_1 @ 56: [u64; 2] = [u64; 2],
        /// `OBD_MD_FLXATTR` to set, `OBD_MD_FLXATTRRM` to remove.
        sx_valid @ 72: u64 = u64,
        /// The time of the change, in seconds.
        sx_time @ 80: u64 = u64,
        /// Padding, zero.
        sx_padding_5 @ 88: [u64; 3] = [u64; 3],
        /// The value's size.
        sx_size @ 112: u32 = u32,
        /// `XATTR_CREATE` or `XATTR_REPLACE`, or 0.
        sx_flags @ 116: u32 = u32,
        /// Padding, zero.
        sx_padding_8 @ 120: [u32; 4] = [u32; 4],
    }
}

wire_struct! {
    /// `struct mdt_rec_reint`, the generic view of a reint record, which
    /// unlink (`fid1` the parent, `fid2` the child), rename (`fid1` the
    /// source directory, `fid2` the target one) and link (`fid1` the object,
    /// `fid2` the target directory) use; their time is `rr_mtime`.
    pub struct MdtRecReint("mdt_rec_reint", RawMdtRecReint, MDT_REC_REINT_SIZE = 136) {
        /// `REINT_*`.
        rr_opcode @ 0: u32 = u32,
        /// The caller's capabilities.
        rr_cap @ 4: u32 = u32,
        /// The caller's fs uid.
        rr_fsuid @ 8: u32 = u32,
        /// High bits of the fs uid.
        rr_fsuid_h @ 12: u32 = u32,
        /// The caller's fs gid.
        rr_fsgid @ 16: u32 = u32,
        /// High bits of the fs gid.
        rr_fsgid_h @ 20: u32 = u32,
        /// A supplementary group.
        rr_suppgid1 @ 24: u32 = u32,
        /// High bits.
        rr_suppgid1_h @ 28: u32 = u32,
        /// Another supplementary group.
        rr_suppgid2 @ 32: u32 = u32,
        /// High bits.
        rr_suppgid2_h @ 36: u32 = u32,
        /// The first FID.
        rr_fid1 @ 40: LuFid = RawFid,
        /// The second FID.
        rr_fid2 @ 56: LuFid = RawFid,
        /// The time of the operation, in seconds.
        rr_mtime @ 72: u64 = u64,
        /// Access time.
        rr_atime @ 80: u64 = u64,
        /// Change time.
        rr_ctime @ 88: u64 = u64,
        /// Size.
        rr_size @ 96: u64 = u64,
        /// Blocks.
        rr_blocks @ 104: u64 = u64,
        /// `MDS_*` operation bias.
        rr_bias @ 112: u32 = u32,
        /// `S_IFMT` and permission bits (`S_IFDIR` for rmdir).
        rr_mode @ 116: u32 = u32,
        /// Flags.
        rr_flags @ 120: u32 = u32,
        /// High bits of the flags.
        rr_flags_h @ 124: u32 = u32,
        /// The caller's umask.
        rr_umask @ 128: u32 = u32,
        /// The mirror id (resync).
        rr_mirror_id @ 132: u16 = u16,
        /// Padding, zero.
        rr_padding_4 @ 134: u16 = u16,
    }
}

const _: () = {
    assert!(MDT_REC_CREATE_SIZE == MDT_REC_SIZE);
    assert!(MDT_REC_SETATTR_SIZE == MDT_REC_SIZE);
    assert!(MDT_REC_REINT_SIZE == MDT_REC_SIZE);
};

/// The sub-operation of a reint record (its first `u32`), in the sender's
/// byte order `order`.
///
/// # Errors
/// [`WireError::Short`](crate::wire::error::WireError::Short) when the
/// record is shorter than four bytes.
pub fn reint_opcode(
    rec: &[u8],
    order: crate::wire::codec::ByteOrder,
) -> Result<u32, crate::wire::error::WireError> {
    crate::wire::codec::Fields::new("mdt_rec_reint", rec, 4, order)?.u32(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::codec::ByteOrder;

    #[test]
    fn records_round_trip_at_the_digest_offsets() {
        let create = MdtRecCreate {
            cr_opcode: REINT_OPEN,
            cr_fid1: LuFid::ROOT,
            cr_time: 1_700_000_000,
            cr_mode: 0o100644,
            cr_flags_l: 0o100 | 0o2,
            cr_umask: 0o22,
            ..MdtRecCreate::default()
        };
        let mut buf = [0u8; MDT_REC_SIZE];
        create.encode(&mut buf).unwrap();
        assert_eq!(reint_opcode(&buf, ByteOrder::Little), Ok(REINT_OPEN));
        assert_eq!(&buf[112..116], &0o100644u32.to_le_bytes());
        assert_eq!(&buf[128..132], &0o22u32.to_le_bytes());
        assert_eq!(MdtRecCreate::decode(&buf, ByteOrder::Little), Ok(create));

        let setattr = MdtRecSetattr {
            sa_opcode: REINT_SETATTR,
            sa_fid: LuFid::ROOT,
            sa_valid: 0x8,
            sa_size: 12345,
            ..MdtRecSetattr::default()
        };
        setattr.encode(&mut buf).unwrap();
        assert_eq!(&buf[56..64], &8u64.to_le_bytes());
        assert_eq!(&buf[72..80], &12345u64.to_le_bytes());
        assert_eq!(MdtRecSetattr::decode(&buf, ByteOrder::Little), Ok(setattr));

        let unlink = MdtRecReint {
            rr_opcode: REINT_UNLINK,
            rr_mode: 0o40000,
            rr_bias: 0,
            ..MdtRecReint::default()
        };
        unlink.encode(&mut buf).unwrap();
        assert_eq!(&buf[116..120], &0o40000u32.to_le_bytes());
        assert_eq!(reint_opcode(&buf, ByteOrder::Little), Ok(REINT_UNLINK));
        assert!(reint_opcode(&buf[..3], ByteOrder::Little).is_err());
    }
}
