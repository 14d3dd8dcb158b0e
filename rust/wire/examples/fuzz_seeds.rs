//! Writes the seed corpus of the fuzz targets (`scripts/fuzz`): valid
//! inputs for every decoder, so that libFuzzer starts past the magics and
//! lengths. The LNet and ptlrpc seeds are the units of the conversation the
//! tshark test checks; the others are built here.
//!
//! usage: fuzz_seeds DIR   (writes DIR/<target>/<name>)

#[path = "../tests/support/conversation.rs"]
#[allow(dead_code)]
mod conversation;

use std::path::{Path, PathBuf};

use conversation::{conversation, Unit, FILE_FID, OBJECT_FID};
use wire::lnet::ctl::{PingRequest, PING_SIZE};
use wire::lnet::ping::encode_ping_info;
use wire::lnet::LNET_PID_LUSTRE;
use wire::lustre::cfg::{
    CfgMarker, LcfgBuf, LustreCfgSpec, CFG_MARKER_SIZE, CM_START, LCFG_ATTACH, LCFG_MARKER,
};
use wire::lustre::dir::{DirEntry, DirPageWriter, LU_PAGE_SIZE, MDS_DIR_END_OFF};
use wire::lustre::llog::{
    encode_llog_header, encode_llog_rec, LlogLogHdr, LLOG_F_IS_PLAIN, LLOG_MIN_CHUNK_SIZE,
    OBD_CFG_REC,
};
use wire::lustre::lov::{
    LovMdsMdV1, LovOstData, LOV_MAGIC_V1, LOV_MDS_MD_V1_SIZE, LOV_OST_DATA_SIZE, LOV_PATTERN_RAID0,
};
use wire::socklnd::msg::KSOCK_MSG_HDR_SIZE;

struct Seeds {
    dir: PathBuf,
    n: usize,
}

impl Seeds {
    fn add(&mut self, target: &str, bytes: &[u8]) {
        let dir = self.dir.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        self.n += 1;
        std::fs::write(dir.join(format!("seed-{:04}", self.n)), bytes).unwrap();
    }
}

/// The units of the conversation, each to the decoders that read it.
fn conversation_seeds(s: &mut Seeds) {
    for send in conversation() {
        match &send.unit {
            Unit::ConnReq(b) => s.add("acceptor", b),
            Unit::Hello(b) => s.add("socklnd_hello", b),
            Unit::Lnet { bytes, rpc, .. } => {
                let (ksock, rest) = bytes.split_at(KSOCK_MSG_HDR_SIZE);
                s.add("ksock_msg", ksock);
                s.add("lnet_hdr", rest);
                if let Some(rpc) = rpc {
                    s.add("lustre_msg", &rest[wire::lnet::hdr::LNET_HDR_SIZE..]);
                    for b in rpc.bufs.iter().filter(|b| !b.is_empty()) {
                        s.add("structures", b);
                    }
                }
            }
        }
    }
}

/// A two-stripe layout.
fn layout() -> Vec<u8> {
    let mut b = vec![0u8; LOV_MDS_MD_V1_SIZE + 2 * LOV_OST_DATA_SIZE];
    LovMdsMdV1 {
        lmm_magic: LOV_MAGIC_V1,
        lmm_pattern: LOV_PATTERN_RAID0,
        lmm_oi: FILE_FID,
        lmm_stripe_size: 1 << 20,
        lmm_stripe_count: 2,
        lmm_layout_gen: 0,
    }
    .encode(&mut b)
    .unwrap();
    for i in 0..2 {
        let at = LOV_MDS_MD_V1_SIZE + i * LOV_OST_DATA_SIZE;
        LovOstData {
            l_ost_oi: OBJECT_FID,
            l_ost_gen: 0,
            l_ost_idx: i as u32,
        }
        .encode(&mut b[at..])
        .unwrap();
    }
    b
}

/// A readdir page with three entries.
fn dir_page() -> Vec<u8> {
    let mut page = vec![0u8; LU_PAGE_SIZE];
    let mut w = DirPageWriter::new(&mut page, 0).unwrap();
    for (i, name) in [&b"."[..], b"..", b"hello.txt"].iter().enumerate() {
        let e = DirEntry {
            fid: FILE_FID,
            hash: i as u64 * 1000,
            name,
            file_type: Some(0o100000),
        };
        assert!(w.push(&e).unwrap());
    }
    w.finish(MDS_DIR_END_OFF, 0).unwrap();
    page
}

/// A configuration record: a marker, or an attach.
fn cfg_record(marker: bool, buf: &mut [u8]) -> usize {
    let mut m = [0u8; CFG_MARKER_SIZE];
    CfgMarker {
        cm_step: 1,
        cm_flags: CM_START,
        ..CfgMarker::default()
    }
    .encode(&mut m)
    .unwrap();
    let marker_bufs = [LcfgBuf::Str("scratch-clilov"), LcfgBuf::Bytes(&m)];
    let attach_bufs = [
        LcfgBuf::Str("scratch-clilov"),
        LcfgBuf::Str("lov"),
        LcfgBuf::Str("scratch-clilov_UUID"),
    ];
    let spec = if marker {
        LustreCfgSpec {
            command: LCFG_MARKER,
            nid: 0,
            bufs: &marker_bufs,
        }
    } else {
        LustreCfgSpec {
            command: LCFG_ATTACH,
            nid: 0,
            bufs: &attach_bufs,
        }
    };
    spec.encode(buf).unwrap()
}

/// The seeds that are not in the conversation.
fn other_seeds(s: &mut Seeds) {
    let mut info = [0u8; 64];
    let n = encode_ping_info(
        LNET_PID_LUSTRE,
        &["192.168.1.20@tcp".parse().unwrap()],
        &mut info,
    )
    .unwrap();
    s.add("lnet_ping", &info[..n]);
    let mut ping = [0u8; PING_SIZE];
    PingRequest {
        nid: conversation::nid(conversation::SERVER_IP),
        timeout_ms: 1000,
    }
    .encode(&mut ping)
    .unwrap();
    s.add("lnet_ctl", &ping);
    s.add("layout", &layout());
    s.add("dir_page", &dir_page());

    let mut cfg = [0u8; 512];
    for marker in [true, false] {
        let n = cfg_record(marker, &mut cfg);
        s.add("lustre_cfg", &cfg[..n]);
    }
    let mut header = vec![0u8; LLOG_MIN_CHUNK_SIZE];
    let hdr = LlogLogHdr {
        llh_flags: LLOG_F_IS_PLAIN,
        ..LlogLogHdr::default()
    };
    encode_llog_header(&hdr, 2, |_| true, &mut header).unwrap();
    s.add("llog", &header);
    let mut chunk = vec![0u8; 1024];
    let mut off = 0;
    for (i, marker) in [true, false].into_iter().enumerate() {
        let mut body = [0u8; 512];
        let n = cfg_record(marker, &mut body);
        off += encode_llog_rec(
            OBD_CFG_REC,
            i as u32 + 1,
            n,
            |b| {
                b.copy_from_slice(&body[..n]);
                Ok(())
            },
            &mut chunk[off..],
        )
        .unwrap();
    }
    s.add("llog", &chunk[..off]);

    for text in [
        "192.168.1.10@tcp",
        "10.0.0.1@tcp1",
        "0@lo",
        "tcp0(eth0),tcp1(eth1)",
        "10.0.0.1@tcp:10.0.0.2@tcp:/scratch",
    ] {
        s.add("text", text.as_bytes());
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: fuzz_seeds DIR");
    let mut s = Seeds {
        dir: Path::new(&dir).to_path_buf(),
        n: 0,
    };
    conversation_seeds(&mut s);
    other_seeds(&mut s);
    println!("{} seeds in {dir}", s.n);
}
