//! The object structures of OST RPCs: `obdo` (an object's attributes, the
//! whole `ost_body`), `obd_ioobj` and `niobuf_remote` (what a BRW moves),
//! and `ost_lvb` (the attributes in an extent lock's value block).
//!
//! An object is named by an `ost_id`, which on a little-endian host has the
//! bytes of a FID (the FID-on-OST view that every current OST uses).

use crate::wire::layout::{wire_struct, RawFid};
use crate::wire::lustre::fid::LuFid;

wire_struct! {
    /// `struct obdo`, which is all of `struct ost_body`.
    pub struct Obdo("obdo", RawObdo, OBDO_SIZE = 208) {
        /// Which fields are meant (`OBD_MD_*`).
        o_valid @ 0: u64 = u64,
        /// The object (`ost_id`).
        o_oi @ 8: LuFid = RawFid,
        /// The parent FID's sequence.
        o_parent_seq @ 24: u64 = u64,
        /// The size (PUNCH: the start offset).
        o_size @ 32: u64 = u64,
        /// Modification time, in seconds.
        o_mtime @ 40: u64 = u64,
        /// Access time, in seconds.
        o_atime @ 48: u64 = u64,
        /// Change time, in seconds.
        o_ctime @ 56: u64 = u64,
        /// 512-byte blocks (PUNCH: the end offset; BRW: dirty bytes).
        o_blocks @ 64: u64 = u64,
        /// Grant.
        o_grant @ 72: u64 = u64,
        /// Block size.
        o_blksize @ 80: u32 = u32,
        /// Mode (BRW: undirty bytes).
        o_mode @ 84: u32 = u32,
        /// Owner.
        o_uid @ 88: u32 = u32,
        /// Group.
        o_gid @ 92: u32 = u32,
        /// `OBD_FL_*` flags.
        o_flags @ 96: u32 = u32,
        /// Links (BRW: the checksum).
        o_nlink @ 100: u32 = u32,
        /// The parent FID's object id.
        o_parent_oid @ 104: u32 = u32,
        /// Miscellaneous (BRW: dropped grant).
        o_misc @ 108: u32 = u32,
        /// The I/O epoch.
        o_ioepoch @ 112: u64 = u64,
        /// The stripe index.
        o_stripe_idx @ 120: u32 = u32,
        /// The parent FID's version.
        o_parent_ver @ 124: u32 = u32,
        /// A lock handle.
        o_handle @ 128: u64 = u64,
        /// The layout: stripe size (`ost_layout`).
        ol_stripe_size @ 136: u32 = u32,
        /// The layout: stripe count.
        ol_stripe_count @ 140: u32 = u32,
        /// The layout: component start.
        ol_comp_start @ 144: u64 = u64,
        /// The layout: component end.
        ol_comp_end @ 152: u64 = u64,
        /// The layout: component id.
        ol_comp_id @ 160: u32 = u32,
        /// The layout version.
        o_layout_version @ 164: u32 = u32,
        /// High bits of the uid.
        o_uid_h @ 168: u32 = u32,
        /// High bits of the gid.
        o_gid_h @ 172: u32 = u32,
        /// The data version (BRW write: grant used).
        o_data_version @ 176: u64 = u64,
        /// Project id.
        o_projid @ 184: u32 = u32,
        /// Padding, zero.
        o_padding_4 @ 188: u32 = u32,
        /// Padding, zero.
        o_padding_5 @ 192: u64 = u64,
        /// Padding, zero.
        o_padding_6 @ 200: u64 = u64,
    }
}

wire_struct! {
    /// `struct obd_ioobj`: one object of a BRW and how many niobufs it has.
    pub struct ObdIoobj("obd_ioobj", RawObdIoobj, OBD_IOOBJ_SIZE = 24) {
        /// The object (`ost_id`).
        ioo_oid @ 0: LuFid = RawFid,
        /// The most bulk buffers, less one, in the upper 16 bits.
        ioo_max_brw @ 16: u32 = u32,
        /// The number of niobufs of this object.
        ioo_bufcnt @ 20: u32 = u32,
    }
}

wire_struct! {
    /// `struct niobuf_remote`: a contiguous range of an object in a BRW.
    pub struct NiobufRemote("niobuf_remote", RawNiobufRemote, NIOBUF_REMOTE_SIZE = 16) {
        /// The byte offset in the object.
        rnb_offset @ 0: u64 = u64,
        /// The length in bytes.
        rnb_len @ 8: u32 = u32,
        /// `OBD_BRW_*` flags.
        rnb_flags @ 12: u32 = u32,
    }
}

wire_struct! {
    /// `struct ost_lvb`: an object's attributes in an extent lock.
    pub struct OstLvb("ost_lvb", RawOstLvb, OST_LVB_SIZE = 56) {
        /// Size.
        lvb_size @ 0: u64 = u64,
        /// Modification time, in seconds.
        lvb_mtime @ 8: u64 = u64,
        /// Access time, in seconds.
        lvb_atime @ 16: u64 = u64,
        /// Change time, in seconds.
        lvb_ctime @ 24: u64 = u64,
        /// 512-byte blocks.
        lvb_blocks @ 32: u64 = u64,
        /// Nanoseconds of the modification time.
        lvb_mtime_ns @ 40: u32 = u32,
        /// Nanoseconds of the access time.
        lvb_atime_ns @ 44: u32 = u32,
        /// Nanoseconds of the change time.
        lvb_ctime_ns @ 48: u32 = u32,
        /// Padding, zero.
        lvb_padding @ 52: u32 = u32,
    }
}

/// `OBD_BRW_READ`.
pub const OBD_BRW_READ: u32 = 0x1;
/// `OBD_BRW_WRITE`.
pub const OBD_BRW_WRITE: u32 = 0x2;

/// The unit in which both ends count a bulk buffer's fragments.
const BULK_PAGE: u64 = 4096;
/// The most fragments of one bulk buffer (`LNET_MAX_IOV`).
pub const BULK_MAX_FRAGS: u32 = 256;

/// How the data of a BRW travels: the sizes of its bulk buffers, in order,
/// for the niobufs `(offset, length)` in order. A buffer takes at most
/// [`BULK_MAX_FRAGS`] fragments, counting a fragment per 4096-byte page of
/// the object that a niobuf touches (so at most 1 MiB, `LNET_MTU`); a
/// niobuf goes on in the next buffer where one is full. Client and server
/// both split so, and number the buffers with consecutive match bits.
pub fn bulk_buffers(niobufs: impl IntoIterator<Item = (u64, u32)>, mut buffer: impl FnMut(u32)) {
    let (mut frags, mut bytes) = (0u32, 0u32);
    for (offset, len) in niobufs {
        let (mut at, end) = (offset, offset.saturating_add(u64::from(len)));
        while at < end {
            if frags == BULK_MAX_FRAGS {
                buffer(bytes);
                (frags, bytes) = (0, 0);
            }
            let page_end = (at / BULK_PAGE + 1).saturating_mul(BULK_PAGE).min(end);
            // At most one page.
            bytes += (page_end - at) as u32;
            frags += 1;
            at = page_end;
        }
    }
    if frags > 0 {
        buffer(bytes);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn buffers(niobufs: &[(u64, u32)]) -> std::vec::Vec<u32> {
        let mut v = std::vec::Vec::new();
        bulk_buffers(niobufs.iter().copied(), |b| v.push(b));
        v
    }

    #[test]
    fn splits_bulk_at_256_pages() {
        assert_eq!(buffers(&[]), [0u32; 0]);
        assert_eq!(buffers(&[(0, 4096)]), [4096]);
        assert_eq!(buffers(&[(0, 4 << 20)]), [1 << 20; 4]);
        // An unaligned niobuf touches one page more.
        assert_eq!(buffers(&[(100, 1 << 20)]), [(1 << 20) - 100, 100]);
        // Two niobufs share a buffer.
        assert_eq!(buffers(&[(0, 10), (8192, 10)]), [20]);
    }
    use crate::wire::codec::ByteOrder;

    #[test]
    fn round_trip_at_the_digest_offsets() {
        let o = Obdo {
            o_valid: 0x1,
            o_oi: LuFid {
                seq: 0x1_0000_0000,
                oid: 42,
                ver: 0,
            },
            o_size: 1 << 40,
            ol_comp_end: u64::MAX,
            o_projid: 9,
            ..Obdo::default()
        };
        let mut buf = [0u8; OBDO_SIZE];
        o.encode(&mut buf).unwrap();
        assert_eq!(&buf[8..16], &0x1_0000_0000u64.to_le_bytes());
        assert_eq!(&buf[152..160], &[0xff; 8]);
        assert_eq!(&buf[184..188], &9u32.to_le_bytes());
        assert_eq!(Obdo::decode(&buf, ByteOrder::Little), Ok(o));

        let nb = NiobufRemote {
            rnb_offset: 4096,
            rnb_len: 8192,
            rnb_flags: OBD_BRW_WRITE,
        };
        let mut buf = [0u8; NIOBUF_REMOTE_SIZE];
        nb.encode(&mut buf).unwrap();
        assert_eq!(buf, [0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 2, 0, 0, 0]);
        assert_eq!(NiobufRemote::decode(&buf, ByteOrder::Little), Ok(nb));
    }
}
