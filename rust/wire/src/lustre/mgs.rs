//! The structures of the MGS and of log reading: `mgs_config_body` and
//! `mgs_config_res` (MGS_CONFIG_READ), and `llogd_body` (the LLOG_ORIGIN_*
//! RPCs that read configuration logs).

use crate::wire::layout::{wire_struct, Bytes, RawFid};
use crate::wire::lustre::fid::LuFid;

wire_struct! {
    /// `struct mgs_config_body`: which configuration to read, from where.
    pub struct MgsConfigBody("mgs_config_body", RawMgsConfigBody, MGS_CONFIG_BODY_SIZE = 80) {
        /// The log's name.
        mcb_name @ 0: Bytes<64> = [u8; 64],
        /// Where to start.
        mcb_offset @ 64: u64 = u64,
        /// The kind of configuration (`MGS_CFG_T_*`).
        mcb_type @ 72: u16 = u16,
        /// The nodemap pass, or the size of a NID record.
        mcb_nm_cur_pass @ 74: u8 = u8,
        /// log2 of the client's page size.
        mcb_bits @ 75: u8 = u8,
        /// How many pages the client offers.
        mcb_units @ 76: u32 = u32,
    }
}

wire_struct! {
    /// `struct mgs_config_res`: what a MGS_CONFIG_READ returned.
    pub struct MgsConfigRes("mgs_config_res", RawMgsConfigRes, MGS_CONFIG_RES_SIZE = 16) {
        /// Where the next read starts.
        mcr_offset @ 0: u64 = u64,
        /// The bytes returned in the bulk.
        mcr_size @ 8: u64 = u64,
    }
}

wire_struct! {
    /// `struct llogd_body`: a log and a position in it.
    pub struct LlogdBody("llogd_body", RawLlogdBody, LLOGD_BODY_SIZE = 48) {
        /// The log's object (`llog_logid.lgl_oi`).
        lgd_logid_oi @ 0: LuFid = RawFid,
        /// The log's generation (`llog_logid.lgl_ogen`).
        lgd_logid_ogen @ 16: u32 = u32,
        /// The context index.
        lgd_ctxt_idx @ 20: u32 = u32,
        /// The log's flags.
        lgd_llh_flags @ 24: u32 = u32,
        /// A record index.
        lgd_index @ 28: u32 = u32,
        /// The index of the last record read.
        lgd_saved_index @ 32: u32 = u32,
        /// A length.
        lgd_len @ 36: u32 = u32,
        /// The offset of the current block.
        lgd_cur_offset @ 40: u64 = u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::codec::ByteOrder;

    #[test]
    fn config_read_round_trips() {
        let mut name = [0u8; 64];
        name[..15].copy_from_slice(b"scratch-client\0");
        let body = MgsConfigBody {
            mcb_name: Bytes(name),
            mcb_offset: 0,
            mcb_type: 0,
            mcb_nm_cur_pass: 0,
            mcb_bits: 12,
            mcb_units: 256,
        };
        let mut buf = [0u8; MGS_CONFIG_BODY_SIZE];
        body.encode(&mut buf).unwrap();
        assert_eq!(buf[75], 12);
        assert_eq!(&buf[76..80], &256u32.to_le_bytes());
        let got = MgsConfigBody::decode(&buf, ByteOrder::Little).unwrap();
        assert_eq!(got.mcb_name.as_str(), Some("scratch-client"));
        assert_eq!(got, body);

        let llogd = LlogdBody {
            lgd_index: 3,
            lgd_cur_offset: 8192,
            ..LlogdBody::default()
        };
        let mut buf = [0u8; LLOGD_BODY_SIZE];
        llogd.encode(&mut buf).unwrap();
        assert_eq!(&buf[40..48], &8192u64.to_le_bytes());
        assert_eq!(LlogdBody::decode(&buf, ByteOrder::Little), Ok(llogd));
    }
}
