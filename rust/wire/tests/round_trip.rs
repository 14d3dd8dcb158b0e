//! Round-trip properties of every message type, on generated input:
//!
//! - fixed-layout structures: any bytes decode, and encode back to the
//!   same bytes; a value decoded from the other byte order encodes to bytes
//!   that decode to it again;
//! - headers with checked fields (LNet, socklnd, acceptor, ptlrpc body,
//!   control ABI): decode, encode, decode gives the same value;
//! - variable messages (ptlrpc messages, layouts, readdir pages, pings,
//!   llog records, configuration records, NIDs as text): a generated value
//!   encodes to bytes that decode to it.

use proptest::collection::vec;
use proptest::prelude::*;
use wire::codec::ByteOrder;
use wire::lnet::acceptor::{encode_v1, ConnReq, CONNREQ_SIZE};
use wire::lnet::ctl::{ListNids, PingRequest, LIST_NIDS_SIZE, PING_SIZE};
use wire::lnet::hdr::{LnetHdr, LNET_HDR_SIZE};
use wire::lnet::ping::{encode_ping_info, PingInfo};
use wire::lustre::cfg::{CfgMarker, LcfgBuf, LustreCfg, LustreCfgSpec, LUSTRE_CFG_MAX_BUFCOUNT};
use wire::lustre::dir::{DirEntry, DirPage, DirPageWriter, LU_PAGE_SIZE};
use wire::lustre::fid::LuFid;
use wire::lustre::ldlm::{LayoutIntent, LdlmIntent, LdlmLockDesc, LdlmReply, LdlmRequest};
use wire::lustre::llog::{encode_llog_rec, LlogLogHdr, LlogRecHdr, LlogRecTail, LlogRecords};
use wire::lustre::lov::{
    Layout, LovMdsMdV1, LovOstData, LOV_MAGIC_V1, LOV_MDS_MD_V1_SIZE, LOV_OST_DATA_SIZE,
};
use wire::lustre::mdt::MdtBody;
use wire::lustre::mgs::{LlogdBody, MgsConfigBody, MgsConfigRes};
use wire::lustre::obd::{LuSeqRange, ObdConnectData, ObdStatfs};
use wire::lustre::ost::{NiobufRemote, ObdIoobj, Obdo, OstLvb};
use wire::lustre::reint::{MdtRecCreate, MdtRecReint, MdtRecSetattr};
use wire::nid::{LndType, Net, Nid};
use wire::ptlrpc::body::{PtlrpcBody, PTLRPC_BODY_SIZE};
use wire::ptlrpc::msg::{msg_size, LustreMsg, LustreMsgMut, MsgHeader};
use wire::socklnd::hello::{Hello, HELLO_SIZE};
use wire::socklnd::msg::{KsockMsgHdr, KSOCK_MSG_HDR_SIZE};

/// For each fixed-layout structure: any bytes round-trip, in both orders.
macro_rules! fixed_structs {
    ($($name:ident: $ty:ty = $size:expr;)*) => {$(
        proptest! {
            #[test]
            fn $name(bytes in vec(any::<u8>(), $size)) {
                let v = <$ty>::decode(&bytes, ByteOrder::Little).unwrap();
                let mut out = vec![0u8; $size];
                v.encode(&mut out).unwrap();
                prop_assert_eq!(&out, &bytes);
                let swabbed = <$ty>::decode(&bytes, ByteOrder::Big).unwrap();
                swabbed.encode(&mut out).unwrap();
                prop_assert_eq!(<$ty>::decode(&out, ByteOrder::Little).unwrap(), swabbed);
            }
        }
    )*};
}

fixed_structs! {
    lu_fid: LuFid = 16;
    obd_connect_data: ObdConnectData = wire::lustre::obd::OBD_CONNECT_DATA_SIZE;
    obd_statfs: ObdStatfs = wire::lustre::obd::OBD_STATFS_SIZE;
    lu_seq_range: LuSeqRange = wire::lustre::obd::LU_SEQ_RANGE_SIZE;
    mdt_body: MdtBody = wire::lustre::mdt::MDT_BODY_SIZE;
    obdo: Obdo = wire::lustre::ost::OBDO_SIZE;
    obd_ioobj: ObdIoobj = wire::lustre::ost::OBD_IOOBJ_SIZE;
    niobuf_remote: NiobufRemote = wire::lustre::ost::NIOBUF_REMOTE_SIZE;
    ost_lvb: OstLvb = wire::lustre::ost::OST_LVB_SIZE;
    ldlm_lock_desc: LdlmLockDesc = wire::lustre::ldlm::LDLM_LOCK_DESC_SIZE;
    ldlm_request: LdlmRequest = wire::lustre::ldlm::LDLM_REQUEST_SIZE;
    ldlm_reply: LdlmReply = wire::lustre::ldlm::LDLM_REPLY_SIZE;
    ldlm_intent: LdlmIntent = wire::lustre::ldlm::LDLM_INTENT_SIZE;
    layout_intent: LayoutIntent = wire::lustre::ldlm::LAYOUT_INTENT_SIZE;
    lov_mds_md_v1: LovMdsMdV1 = LOV_MDS_MD_V1_SIZE;
    lov_ost_data: LovOstData = LOV_OST_DATA_SIZE;
    mdt_rec_create: MdtRecCreate = wire::lustre::reint::MDT_REC_CREATE_SIZE;
    mdt_rec_setattr: MdtRecSetattr = wire::lustre::reint::MDT_REC_SETATTR_SIZE;
    mdt_rec_reint: MdtRecReint = wire::lustre::reint::MDT_REC_REINT_SIZE;
    mdt_rec_setxattr: wire::lustre::reint::MdtRecSetxattr = wire::lustre::reint::MDT_REC_SETXATTR_SIZE;
    mgs_config_body: MgsConfigBody = wire::lustre::mgs::MGS_CONFIG_BODY_SIZE;
    mgs_config_res: MgsConfigRes = wire::lustre::mgs::MGS_CONFIG_RES_SIZE;
    llogd_body: LlogdBody = wire::lustre::mgs::LLOGD_BODY_SIZE;
    llog_rec_hdr: LlogRecHdr = wire::lustre::llog::LLOG_REC_HDR_SIZE;
    llog_rec_tail: LlogRecTail = wire::lustre::llog::LLOG_REC_TAIL_SIZE;
    llog_log_hdr: LlogLogHdr = wire::lustre::llog::LLOG_LOG_HDR_FIXED_SIZE;
    cfg_marker: CfgMarker = wire::lustre::cfg::CFG_MARKER_SIZE;
    lov_desc: wire::lustre::cfg::LovDesc = wire::lustre::cfg::LOV_DESC_SIZE;
    lmv_desc: wire::lustre::cfg::LmvDesc = wire::lustre::cfg::LMV_DESC_SIZE;
}

/// Decode, encode, decode: the same value. `fix` first puts valid values
/// in the fields that decoding checks (types, magics, counts), drawn from
/// the random bytes, so that most inputs decode.
macro_rules! headers {
    ($($name:ident: $size:expr, $fix:expr, $decode:expr, $encode:expr;)*) => {$(
        proptest! {
            #[test]
            fn $name(mut bytes in vec(any::<u8>(), $size)) {
                $fix(&mut bytes[..]);
                let v = $decode(&bytes[..]).unwrap();
                let mut out = vec![0u8; $size];
                $encode(&v, &mut out[..]).unwrap();
                prop_assert_eq!($decode(&out[..]).unwrap(), v);
            }
        }
    )*};
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The message type, and a payload length that suits it.
fn fix_lnet_hdr(b: &mut [u8]) {
    let ty = u32::from(b[24] % 5);
    put_u32(b, 24, ty);
    let len = if ty == 0 || ty == 2 {
        0
    } else {
        u32::from(b[28]) << 12
    };
    put_u32(b, 28, len);
}

fn fix_ksock_msg(b: &mut [u8]) {
    put_u32(b, 0, 0xc0 | u32::from(b[4] & 1));
}

/// Magic, version, connection type, IP count.
fn fix_hello(b: &mut [u8]) {
    put_u32(b, 0, wire::lnet::LNET_PROTO_MAGIC);
    put_u32(b, 4, 2 + u32::from(b[4] & 1));
    put_u32(b, 48, u32::from(b[48] % 4));
    put_u32(b, 52, u32::from(b[52] % 17));
}

fn fix_list_nids(b: &mut [u8]) {
    put_u32(
        b,
        0,
        u32::from(b[0]) % (wire::lnet::ctl::LNET_IOC_MAX_NIDS as u32 + 1),
    );
}

headers! {
    ptlrpc_body: PTLRPC_BODY_SIZE, |_: &mut [u8]| (),
        |b| PtlrpcBody::decode(b, ByteOrder::Little), PtlrpcBody::encode;
    lnet_hdr: LNET_HDR_SIZE, fix_lnet_hdr, LnetHdr::decode, LnetHdr::encode;
    ksock_msg_hdr: KSOCK_MSG_HDR_SIZE, fix_ksock_msg,
        |b| KsockMsgHdr::decode(b, ByteOrder::Little), KsockMsgHdr::encode;
    socklnd_hello: HELLO_SIZE, fix_hello, |b| Hello::decode(b).map(|h| h.hello), Hello::encode;
    list_nids: LIST_NIDS_SIZE, fix_list_nids, ListNids::decode, ListNids::encode;
    ping_request: PING_SIZE, |_: &mut [u8]| (), PingRequest::decode, PingRequest::encode;
}

fn fid() -> impl Strategy<Value = LuFid> {
    (any::<u64>(), any::<u32>(), any::<u32>()).prop_map(|(seq, oid, ver)| LuFid { seq, oid, ver })
}

fn nid() -> impl Strategy<Value = Nid> {
    (
        prop_oneof![Just(LndType::Tcp), Just(LndType::O2ib)],
        any::<u16>(),
        any::<u32>(),
    )
        .prop_map(|(lnd, num, addr)| Nid::new(Net::new(lnd, num), addr))
}

proptest! {
    #[test]
    fn acceptor_request(n in any::<u64>()) {
        let mut b = [0u8; CONNREQ_SIZE];
        encode_v1(n, &mut b).unwrap();
        prop_assert_eq!(ConnReq::decode(&b).unwrap(), ConnReq::V1 { nid: n });
    }

    #[test]
    fn nid_text(n in nid()) {
        prop_assert_eq!(n.to_string().parse::<Nid>().unwrap(), n);
        prop_assert_eq!(Nid::from_u64(n.as_u64()).unwrap(), n);
    }

    #[test]
    fn lustre_msg(bufs in vec(vec(any::<u8>(), 0..300), 0..12), repsize in any::<u32>()) {
        let mut lens = vec![PTLRPC_BODY_SIZE as u32];
        lens.extend(bufs.iter().map(|b| b.len() as u32));
        let mut out = vec![0u8; msg_size(&lens).unwrap()];
        let header = MsgHeader { repsize, ..MsgHeader::default() };
        let mut m = LustreMsgMut::new(&mut out, &lens, &header).unwrap();
        for (i, b) in bufs.iter().enumerate() {
            m.buffer_mut(i + 1).unwrap().copy_from_slice(b);
        }
        let msg = LustreMsg::decode(&out).unwrap();
        prop_assert_eq!(msg.bufcount(), bufs.len() + 1);
        prop_assert_eq!(msg.header().repsize, repsize);
        for (i, b) in bufs.iter().enumerate() {
            prop_assert_eq!(msg.buffer(i + 1).unwrap(), &b[..]);
        }
    }

    #[test]
    fn layout(oi in fid(), size in any::<u32>(), stripes in vec((fid(), any::<u32>()), 0..20)) {
        let mut b = vec![0u8; LOV_MDS_MD_V1_SIZE + stripes.len() * LOV_OST_DATA_SIZE];
        LovMdsMdV1 {
            lmm_magic: LOV_MAGIC_V1,
            lmm_pattern: 1,
            lmm_oi: oi,
            lmm_stripe_size: size,
            lmm_stripe_count: stripes.len() as u16,
            lmm_layout_gen: 0,
        }.encode(&mut b).unwrap();
        for (i, (f, idx)) in stripes.iter().enumerate() {
            let at = LOV_MDS_MD_V1_SIZE + i * LOV_OST_DATA_SIZE;
            LovOstData { l_ost_oi: *f, l_ost_gen: 0, l_ost_idx: *idx }.encode(&mut b[at..]).unwrap();
        }
        let l = Layout::decode(&b).unwrap();
        prop_assert_eq!(l.header.lmm_oi, oi);
        prop_assert_eq!(l.stripe_count(), stripes.len());
        for (i, (f, idx)) in stripes.iter().enumerate() {
            let s = l.stripe(i).unwrap();
            prop_assert_eq!((s.l_ost_oi, s.l_ost_idx), (*f, *idx));
        }
    }

    #[test]
    fn dir_page(
        entries in vec((fid(), vec(1u8..=255, 1..60), proptest::option::of(any::<u16>())), 0..40),
        start in any::<u64>(),
        end in any::<u64>(),
    ) {
        let mut page = vec![0u8; LU_PAGE_SIZE];
        let mut w = DirPageWriter::new(&mut page, start).unwrap();
        let mut written = 0;
        for (i, (fid, name, file_type)) in entries.iter().enumerate() {
            let e = DirEntry { fid: *fid, hash: i as u64, name, file_type: *file_type };
            if !w.push(&e).unwrap() {
                break;
            }
            written += 1;
        }
        w.finish(end, 0).unwrap();
        let p = DirPage::decode(&page).unwrap();
        prop_assert_eq!((p.header.ldp_hash_start, p.header.ldp_hash_end), (start, end));
        let got: Vec<DirEntry<'_>> = p.entries().collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(got.len(), written);
        for (i, (g, (fid, name, file_type))) in got.iter().zip(&entries).enumerate() {
            prop_assert_eq!(g, &DirEntry { fid: *fid, hash: i as u64, name, file_type: *file_type });
        }
    }

    #[test]
    fn ping_info(pid in any::<u32>(), nids in vec(nid(), 0..16)) {
        let mut b = vec![0u8; 1024];
        let n = encode_ping_info(pid, &nids, &mut b).unwrap();
        let info = PingInfo::decode(&b[..n]).unwrap();
        prop_assert_eq!(info.pid, pid);
        // The loopback NID comes first, then ours.
        prop_assert_eq!(info.nnis(), nids.len() + 1);
        for (i, nid) in nids.iter().enumerate() {
            prop_assert_eq!(info.ni(i + 1).unwrap().nid, nid.as_u64());
        }
    }

    #[test]
    fn llog_records(bodies in vec(vec(any::<u8>(), 0..200), 1..20), ty in 0u32..0x10_0000) {
        let mut chunk = vec![0u8; 8192];
        let mut off = 0;
        let lrh_type = wire::lustre::llog::LLOG_OP_MAGIC | ty;
        for (i, body) in bodies.iter().enumerate() {
            off += encode_llog_rec(lrh_type, i as u32 + 1, body.len(), |b| {
                b.copy_from_slice(body);
                Ok(())
            }, &mut chunk[off..]).unwrap();
        }
        let recs: Vec<_> = LlogRecords::new(&chunk[..off]).collect::<Result<_, _>>().unwrap();
        prop_assert_eq!(recs.len(), bodies.len());
        for (i, (r, body)) in recs.iter().zip(&bodies).enumerate() {
            prop_assert_eq!(r.hdr.lrh_index, i as u32 + 1);
            prop_assert_eq!(r.hdr.lrh_type, lrh_type);
            prop_assert_eq!(&r.body[..body.len()], &body[..]);
        }
    }

    #[test]
    fn lustre_cfg(
        command in any::<u32>(),
        nid in any::<u64>(),
        strs in vec("[a-zA-Z0-9_-]{0,40}", 0..LUSTRE_CFG_MAX_BUFCOUNT),
    ) {
        let bufs: Vec<LcfgBuf<'_>> = strs.iter().map(|s| LcfgBuf::Str(s)).collect();
        let spec = LustreCfgSpec { command, nid, bufs: &bufs };
        let mut out = vec![0u8; spec.size()];
        prop_assert_eq!(spec.encode(&mut out).unwrap(), out.len());
        let cfg = LustreCfg::decode(&out).unwrap();
        prop_assert_eq!((cfg.command, cfg.nid, cfg.bufcount()), (command, nid, strs.len()));
        for (i, s) in strs.iter().enumerate() {
            prop_assert_eq!(cfg.string(i), Some(s.as_str()));
        }
    }
}
