//! The decoders' fuzzing entry points, for the fuzz targets
//! (`rust/wire/fuzz`) and the no-panic test: each takes any bytes, runs one
//! family of decoders on them, and walks everything a successful decode
//! yields (every buffer, stripe, entry and record), so that a bad length
//! anywhere shows up as a panic or an out-of-bounds access.
//!
//! Every result goes through `black_box`: a decoder cannot panic by
//! design, so an optimised build would otherwise drop a call whose result
//! is unused, and the fuzzer would run nothing.
//!
//! Userspace only: the kernel builds include `wire.rs`, not this module.

use core::hint::black_box;

use crate::codec::ByteOrder;
use crate::lnet::acceptor::ConnReq;
use crate::lnet::ctl::{ListNids, PingRequest, PingResult};
use crate::lnet::hdr::LnetHdr;
use crate::lnet::networks::Networks;
use crate::lnet::ping::PingInfo;
use crate::lustre::cfg::{
    CfgMarker, LcfgBuf, LmvDesc, LovDesc, LustreCfg, LustreCfgSpec, CFG_MARKER_SIZE, CM_START,
    LCFG_MARKER,
};
use crate::lustre::client_log::ClientLogReader;
use crate::lustre::dir::DirPage;
use crate::lustre::fid::LuFid;
use crate::lustre::ldlm::{LayoutIntent, LdlmIntent, LdlmReply, LdlmRequest};
use crate::lustre::llog::{LlogHeader, LlogRecords};
use crate::lustre::lov::Layout;
use crate::lustre::mdt::MdtBody;
use crate::lustre::mgs::{LlogdBody, MgsConfigBody, MgsConfigRes};
use crate::lustre::obd::{LuSeqRange, ObdConnectData, ObdStatfs};
use crate::lustre::ost::{NiobufRemote, ObdIoobj, Obdo, OstLvb};
use crate::lustre::reint::{MdtRecCreate, MdtRecReint, MdtRecSetattr, MdtRecSetxattr};
use crate::mount_source::MountSource;
use crate::nid::Nid;
use crate::ptlrpc::body::PtlrpcBody;
use crate::ptlrpc::format;
use crate::ptlrpc::msg::LustreMsg;
use crate::socklnd::hello::Hello;
use crate::socklnd::msg::KsockMsgHdr;

/// A fuzzing entry point.
pub type Target = fn(&[u8]);

/// Every entry point, by the name of its fuzz target.
pub const TARGETS: &[(&str, Target)] = &[
    ("acceptor", acceptor),
    ("socklnd_hello", socklnd_hello),
    ("ksock_msg", ksock_msg),
    ("lnet_hdr", lnet_hdr),
    ("lnet_ping", lnet_ping),
    ("lnet_ctl", lnet_ctl),
    ("lustre_msg", lustre_msg),
    ("structures", structures),
    ("layout", layout),
    ("dir_page", dir_page),
    ("llog", llog),
    ("lustre_cfg", lustre_cfg),
    ("text", text),
];

/// The acceptor's connection request.
pub fn acceptor(buf: &[u8]) {
    let _ = black_box(ConnReq::decode(buf));
}

/// The socklnd HELLO.
pub fn socklnd_hello(buf: &[u8]) {
    if let Ok(h) = Hello::decode(buf) {
        let _ = black_box(h.hello.encode(&mut [0u8; 256]));
    }
}

/// The socklnd message header, in both byte orders.
pub fn ksock_msg(buf: &[u8]) {
    for order in [ByteOrder::Little, ByteOrder::Big] {
        let _ = black_box(KsockMsgHdr::decode(buf, order));
    }
}

/// The LNet message header.
pub fn lnet_hdr(buf: &[u8]) {
    let _ = black_box(LnetHdr::decode(buf));
}

/// The LNet ping reply, and each of its interfaces.
pub fn lnet_ping(buf: &[u8]) {
    if let Ok(info) = PingInfo::decode(buf) {
        for i in 0..info.nnis() + 2 {
            let _ = black_box(info.ni(i));
        }
    }
}

/// The `/dev/lnet` control structures.
pub fn lnet_ctl(buf: &[u8]) {
    let _ = black_box(ListNids::decode(buf));
    let _ = black_box(PingRequest::decode(buf));
    let _ = black_box(PingResult::decode(buf));
}

/// A ptlrpc message: its buffers, its body, and every RPC format's check.
pub fn lustre_msg(buf: &[u8]) {
    let Ok(msg) = LustreMsg::decode(buf) else {
        return;
    };
    for i in 0..msg.bufcount() + 2 {
        let _ = black_box(msg.buffer(i));
    }
    if let Ok(b) = msg.buffer(0) {
        let _ = black_box(PtlrpcBody::decode(b, msg.order()));
    }
    for f in format::ALL {
        let _ = black_box(f.request.check(&msg));
        let _ = black_box(f.reply.check(&msg));
    }
}

/// Every fixed-layout structure, in both byte orders.
pub fn structures(buf: &[u8]) {
    for order in [ByteOrder::Little, ByteOrder::Big] {
        let _ = black_box(PtlrpcBody::decode(buf, order));
        let _ = black_box(LuFid::decode(buf, order));
        let _ = black_box(ObdConnectData::decode(buf, order));
        let _ = black_box(ObdStatfs::decode(buf, order));
        let _ = black_box(LuSeqRange::decode(buf, order));
        let _ = black_box(MdtBody::decode(buf, order));
        let _ = black_box(Obdo::decode(buf, order));
        let _ = black_box(ObdIoobj::decode(buf, order));
        let _ = black_box(NiobufRemote::decode(buf, order));
        let _ = black_box(OstLvb::decode(buf, order));
        let _ = black_box(LdlmRequest::decode(buf, order));
        let _ = black_box(LdlmReply::decode(buf, order));
        let _ = black_box(LdlmIntent::decode(buf, order));
        let _ = black_box(LayoutIntent::decode(buf, order));
        let _ = black_box(MdtRecCreate::decode(buf, order));
        let _ = black_box(MdtRecSetattr::decode(buf, order));
        let _ = black_box(MdtRecReint::decode(buf, order));
        let _ = black_box(MdtRecSetxattr::decode(buf, order));
        let _ = black_box(MgsConfigBody::decode(buf, order));
        let _ = black_box(MgsConfigRes::decode(buf, order));
        let _ = black_box(LlogdBody::decode(buf, order));
        let _ = black_box(CfgMarker::decode(buf, order));
        let _ = black_box(LovDesc::decode(buf, order));
        let _ = black_box(LmvDesc::decode(buf, order));
    }
}

/// A file layout and its stripes.
pub fn layout(buf: &[u8]) {
    if let Ok(layout) = Layout::decode(buf) {
        for i in 0..layout.stripe_count() + 2 {
            let _ = black_box(layout.stripe(i));
        }
    }
}

/// A readdir page and its entries.
pub fn dir_page(buf: &[u8]) {
    if let Ok(page) = DirPage::decode(buf) {
        // Each entry advances by at least a header, so this ends.
        for e in page.entries() {
            let _ = black_box(e);
        }
    }
}

/// An llog header chunk, and the same bytes as a chunk of records (with
/// their configuration records).
pub fn llog(buf: &[u8]) {
    if let Ok(h) = LlogHeader::decode(buf) {
        for i in 0..h.hdr.llh_count.min(70_000) {
            let _ = black_box(h.is_live(i));
        }
    }
    for rec in LlogRecords::new(buf).flatten() {
        lustre_cfg(rec.body);
    }
}

/// A configuration record and its buffers, and what a client reads in it
/// (inside and outside a marked group).
pub fn lustre_cfg(buf: &[u8]) {
    let _ = black_box(ClientLogReader::default().record(buf));
    let mut marker = [0u8; CFG_MARKER_SIZE];
    let mut start = [0u8; 256];
    let mut in_group = ClientLogReader::default();
    let started = CfgMarker {
        cm_flags: CM_START,
        ..CfgMarker::default()
    }
    .encode(&mut marker)
    .and_then(|()| {
        LustreCfgSpec {
            command: LCFG_MARKER,
            nid: 0,
            bufs: &[LcfgBuf::Bytes(&[]), LcfgBuf::Bytes(&marker)],
        }
        .encode(&mut start)
    })
    .and_then(|len| in_group.record(&start[..len]));
    assert!(started == Ok(None), "a START marker is read");
    let _ = black_box(in_group.record(buf));
    if let Ok(cfg) = LustreCfg::decode(buf) {
        for i in 0..cfg.bufcount() + 2 {
            let _ = black_box(cfg.string(i));
            if let Some(b) = cfg.buffer(i) {
                let _ = black_box(CfgMarker::decode(b, ByteOrder::Little));
            }
        }
    }
}

/// The parsers of text: NIDs, `networks=`, mount sources.
pub fn text(buf: &[u8]) {
    if let Ok(s) = core::str::from_utf8(buf) {
        let _ = black_box(Networks::parse(s));
        let _ = black_box(MountSource::parse(s));
        let _ = black_box(s.parse::<Nid>());
    }
}
