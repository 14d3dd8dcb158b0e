//! Every decoder and parser of the crate, fed random bytes and corrupted
//! valid messages: each returns a value or an error, and never panics or
//! reads out of bounds (the test would crash). A deterministic generator
//! keeps failures reproducible.

use wire::codec::ByteOrder;
use wire::lnet::acceptor::ConnReq;
use wire::lnet::ctl::{ListNids, PingRequest, PingResult};
use wire::lnet::hdr::LnetHdr;
use wire::lnet::networks::Networks;
use wire::lnet::ping::PingInfo;
use wire::lustre::dir::DirPage;
use wire::lustre::fid::LuFid;
use wire::lustre::ldlm::{LdlmReply, LdlmRequest};
use wire::lustre::lov::Layout;
use wire::lustre::mdt::MdtBody;
use wire::lustre::mgs::{LlogdBody, MgsConfigBody, MgsConfigRes};
use wire::lustre::obd::{ObdConnectData, ObdStatfs};
use wire::lustre::ost::{NiobufRemote, Obdo};
use wire::lustre::reint::{MdtRecCreate, MdtRecReint, MdtRecSetattr};
use wire::mount_source::MountSource;
use wire::nid::Nid;
use wire::ptlrpc::body::PtlrpcBody;
use wire::ptlrpc::format;
use wire::ptlrpc::msg::LustreMsg;
use wire::socklnd::hello::Hello;
use wire::socklnd::msg::KsockMsgHdr;

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = self.next() as u8;
        }
    }
}

/// Runs every decoder on `buf`, in both byte orders where they take one.
fn decode_all(buf: &[u8]) {
    for order in [ByteOrder::Little, ByteOrder::Big] {
        let _ = KsockMsgHdr::decode(buf, order);
        let _ = PtlrpcBody::decode(buf, order);
        let _ = LuFid::decode(buf, order);
        let _ = ObdConnectData::decode(buf, order);
        let _ = ObdStatfs::decode(buf, order);
        let _ = MdtBody::decode(buf, order);
        let _ = Obdo::decode(buf, order);
        let _ = NiobufRemote::decode(buf, order);
        let _ = LdlmRequest::decode(buf, order);
        let _ = LdlmReply::decode(buf, order);
        let _ = MdtRecCreate::decode(buf, order);
        let _ = MdtRecSetattr::decode(buf, order);
        let _ = MdtRecReint::decode(buf, order);
        let _ = MgsConfigBody::decode(buf, order);
        let _ = MgsConfigRes::decode(buf, order);
        let _ = LlogdBody::decode(buf, order);
    }
    let _ = ConnReq::decode(buf);
    let _ = Hello::decode(buf);
    let _ = LnetHdr::decode(buf);
    let _ = ListNids::decode(buf);
    let _ = PingRequest::decode(buf);
    let _ = PingResult::decode(buf);
    if let Ok(info) = PingInfo::decode(buf) {
        for i in 0..info.nnis() + 2 {
            let _ = info.ni(i);
        }
    }
    if let Ok(msg) = LustreMsg::decode(buf) {
        for i in 0..msg.bufcount() + 2 {
            let _ = msg.buffer(i);
        }
        for f in format::ALL {
            let _ = f.request.check(&msg);
            let _ = f.reply.check(&msg);
        }
    }
    if let Ok(layout) = Layout::decode(buf) {
        for i in 0..layout.stripe_count() + 2 {
            let _ = layout.stripe(i);
        }
    }
    if let Ok(page) = DirPage::decode(buf) {
        for e in page.entries().take(200) {
            let _ = e;
        }
    }
    if let Ok(s) = core::str::from_utf8(buf) {
        let _ = Networks::parse(s);
        let _ = MountSource::parse(s);
        let _ = s.parse::<Nid>();
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed);
    let mut buf = vec![0u8; 4096];
    for _ in 0..20_000 {
        let len = rng.below(buf.len() + 1);
        rng.fill(&mut buf[..len]);
        decode_all(&buf[..len]);
    }
}

#[test]
fn corrupted_valid_messages_never_panic() {
    let mut rng = Rng(0xc0ffee);
    // Valid openings: magics in place, so the decoders get past them.
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for magic in [
        0x4572_6963u32,
        0xacce_7100,
        0x0bd1_0bd0,
        0x0bd3_0bd0,
        0x7069_6e67,
        0x0bd0_0bd3,
    ] {
        for order in [u32::to_le_bytes, u32::to_be_bytes] {
            let mut v = vec![0u8; 512];
            v[..4].copy_from_slice(&order(magic));
            seeds.push(v);
        }
    }
    for seed in &seeds {
        for _ in 0..2_000 {
            let mut v = seed.clone();
            for _ in 0..1 + rng.below(8) {
                let i = 4 + rng.below(v.len() - 4);
                v[i] = rng.next() as u8;
            }
            let len = rng.below(v.len() + 1);
            decode_all(&v[..len]);
        }
    }
    // Strings of the characters that NIDs, networks and sources use.
    let alphabet = b"tcp0123456789.@:/(),o2iblx ";
    for _ in 0..20_000 {
        let len = rng.below(40);
        let s: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        decode_all(&s);
    }
}
