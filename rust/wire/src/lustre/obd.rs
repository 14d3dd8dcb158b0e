//! The connection and file system structures of the OBD layer:
//! `obd_connect_data` (what a client asks for and a server grants at
//! connect), `obd_statfs` (a target's space and inodes) and `lu_seq_range`
//! (FID sequences).

use crate::wire::layout::{wire_struct, Bytes};

wire_struct! {
    /// `struct obd_connect_data`: the connect flags and parameters asked for
    /// in a connect request and granted in its reply. Fields after
    /// `maxbytes` mean something only when their flag was granted.
    pub struct ObdConnectData("obd_connect_data", RawObdConnectData, OBD_CONNECT_DATA_SIZE = 192) {
        /// `OBD_CONNECT_*` flags.
        connect_flags @ 0: u64 = u64,
        /// The Lustre version, `(major << 24) | (minor << 16) | (patch << 8) | fix`.
        version @ 8: u32 = u32,
        /// The initial write grant, in bytes.
        grant @ 12: u32 = u32,
        /// The index of the OST.
        index @ 16: u32 = u32,
        /// The largest bulk of one RPC, in bytes.
        brw_size @ 20: u32 = u32,
        /// The inode bits the client knows.
        ibits_known @ 24: u64 = u64,
        /// log2 of the grant block size.
        grant_blkbits @ 32: u8 = u8,
        /// log2 of the grant per inode.
        grant_inobits @ 33: u8 = u8,
        /// The grant overhead per extent, in KiB.
        grant_tax_kb @ 34: u16 = u16,
        /// The largest grant per extent, in blocks.
        grant_max_blks @ 36: u32 = u32,
        /// The last committed transaction (reconnect).
        transno @ 40: u64 = u64,
        /// The object group (legacy).
        group @ 48: u32 = u32,
        /// The checksum algorithms (`OBD_CKSUM_*`).
        cksum_types @ 52: u32 = u32,
        /// The largest extended attribute.
        max_easize @ 56: u32 = u32,
        /// The target's instance (recovery).
        instance @ 60: u32 = u32,
        /// The largest file size, in bytes.
        maxbytes @ 64: u64 = u64,
        /// The most modifying RPCs in flight.
        maxmodrpcs @ 72: u16 = u16,
        /// The connection policy.
        conn_policy @ 74: u8 = u8,
        /// Padding, zero.
        padding0 @ 75: u8 = u8,
        /// Padding, zero.
        padding1 @ 76: u32 = u32,
        /// `OBD_CONNECT2_*` flags.
        connect_flags2 @ 80: u64 = u64,
        /// The compression type.
        compr_type @ 88: u64 = u64,
        /// Padding, zero (`padding4` to `paddingF`).
        padding @ 96: [u64; 12] = [u64; 12],
    }
}

wire_struct! {
    /// `struct obd_statfs`: the space and inodes of a target.
    pub struct ObdStatfs("obd_statfs", RawObdStatfs, OBD_STATFS_SIZE = 144) {
        /// The file system's magic.
        os_type @ 0: u64 = u64,
        /// Blocks in total.
        os_blocks @ 8: u64 = u64,
        /// Blocks free.
        os_bfree @ 16: u64 = u64,
        /// Blocks available to users.
        os_bavail @ 24: u64 = u64,
        /// Inodes in total.
        os_files @ 32: u64 = u64,
        /// Inodes free.
        os_ffree @ 40: u64 = u64,
        /// The file system's id.
        os_fsid @ 48: Bytes<40> = [u8; 40],
        /// The block size (the client's super block block size).
        os_bsize @ 88: u32 = u32,
        /// The longest name.
        os_namelen @ 92: u32 = u32,
        /// The largest file.
        os_maxbytes @ 96: u64 = u64,
        /// `OS_STATFS_*` state bits.
        os_state @ 104: u32 = u32,
        /// Objects precreated (OST).
        os_fprecreated @ 108: u32 = u32,
        /// Space granted to this client.
        os_granted @ 112: u32 = u32,
        /// Spare, zero.
        os_spare @ 116: [u32; 7] = [u32; 7],
    }
}

wire_struct! {
    /// `struct lu_seq_range`: a range of FID sequences, given to a client by
    /// SEQ_QUERY for the FIDs of the files it creates.
    pub struct LuSeqRange("lu_seq_range", RawLuSeqRange, LU_SEQ_RANGE_SIZE = 24) {
        /// The first sequence.
        lsr_start @ 0: u64 = u64,
        /// The sequence after the last.
        lsr_end @ 8: u64 = u64,
        /// The index of the target that serves it.
        lsr_index @ 16: u32 = u32,
        /// `LU_SEQ_RANGE_MDT` (0) or `LU_SEQ_RANGE_OST` (1).
        lsr_flags @ 20: u32 = u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::codec::ByteOrder;

    #[test]
    fn connect_data_round_trips_at_the_digest_offsets() {
        let ocd = ObdConnectData {
            connect_flags: 0x1122_3344_5566_7788,
            version: 0x0211_3900,
            brw_size: 1 << 20,
            ibits_known: 0x7f,
            grant_blkbits: 12,
            maxbytes: u64::MAX,
            connect_flags2: 0x10_0000,
            ..ObdConnectData::default()
        };
        let mut buf = [0u8; OBD_CONNECT_DATA_SIZE];
        ocd.encode(&mut buf).unwrap();
        assert_eq!(&buf[0..8], &0x1122_3344_5566_7788u64.to_le_bytes());
        assert_eq!(&buf[8..12], &[0, 0x39, 0x11, 0x02]);
        assert_eq!(buf[32], 12);
        assert_eq!(&buf[80..88], &0x10_0000u64.to_le_bytes());
        assert_eq!(ObdConnectData::decode(&buf, ByteOrder::Little), Ok(ocd));
        assert!(ObdConnectData::decode(&buf[..191], ByteOrder::Little).is_err());
    }

    #[test]
    fn seq_range_round_trips() {
        let r = LuSeqRange {
            lsr_start: 0x2_0000_0400,
            lsr_end: 0x2_0000_0800,
            lsr_index: 0,
            lsr_flags: 0,
        };
        let mut buf = [0u8; LU_SEQ_RANGE_SIZE];
        r.encode(&mut buf).unwrap();
        assert_eq!(&buf[8..16], &0x2_0000_0800u64.to_le_bytes());
        assert_eq!(LuSeqRange::decode(&buf, ByteOrder::Little), Ok(r));
    }

    #[test]
    fn statfs_decodes_a_big_endian_peer() {
        let mut buf = [0u8; OBD_STATFS_SIZE];
        buf[8..16].copy_from_slice(&1000u64.to_be_bytes());
        buf[48..53].copy_from_slice(b"fsid0");
        buf[88..92].copy_from_slice(&4096u32.to_be_bytes());
        let st = ObdStatfs::decode(&buf, ByteOrder::Big).unwrap();
        assert_eq!(st.os_blocks, 1000);
        assert_eq!(st.os_bsize, 4096);
        assert_eq!(st.os_fsid.as_str(), Some("fsid0"));
    }
}
