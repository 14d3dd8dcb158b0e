//! `rustre-client bad-peer`: a peer that breaks the protocol, one field at
//! a time, to show that a Lustre node (our `lnet.ko`) rejects each
//! malformed opening, HELLO and message by closing the connection, without
//! harm. Each case opens its own connection from a privileged port; the
//! node must close it within the handshake timeout.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::time::Duration;

use rustre_lnet::wire::lnet::acceptor::{encode_v1, CONNREQ_SIZE};
use rustre_lnet::wire::lnet::hdr::{LnetHdr, LnetMsg, WireHandle, LNET_HDR_SIZE};
use rustre_lnet::wire::lnet::LNET_PID_LUSTRE;
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::socklnd::hello::{ConnType, Hello, HELLO_SIZE, KSOCK_PROTO_V3};
use rustre_lnet::wire::socklnd::msg::{KsockMsgHdr, KsockMsgType, KSOCK_MSG_HDR_SIZE};
use rustre_lnet::{connect_from, SourcePort};

/// How long the node may take to close (its handshake timeout is 5 s).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a case breaks the protocol.
enum Stage {
    /// In the acceptor's request: (offset, bytes written there).
    ConnReq(usize, &'static [u8]),
    /// In the HELLO.
    Hello(usize, &'static [u8]),
    /// In a message after a good handshake: socklnd header (offset 0..24),
    /// then LNet header.
    Message(usize, &'static [u8]),
}

/// The cases: a name and where the bytes go wrong.
const CASES: &[(&str, Stage)] = &[
    ("connreq magic", Stage::ConnReq(0, &[1, 2, 3, 4])),
    ("connreq version", Stage::ConnReq(4, &[2, 0, 0, 0])),
    ("connreq nid (another network)", Stage::ConnReq(12, &[7])),
    ("hello magic", Stage::Hello(0, &[0xed, 0x0d, 0xbc, 0xee])),
    ("hello version 1", Stage::Hello(4, &[1, 0, 0, 0])),
    ("hello version 9", Stage::Hello(4, &[9, 0, 0, 0])),
    ("hello connection type 7", Stage::Hello(48, &[7, 0, 0, 0])),
    (
        "hello connection type none",
        Stage::Hello(48, &[0xff, 0xff, 0xff, 0xff]),
    ),
    (
        "hello untyped connection in V3",
        Stage::Hello(48, &[0, 0, 0, 0]),
    ),
    ("hello with 17 addresses", Stage::Hello(52, &[17, 0, 0, 0])),
    (
        "hello with a missing address list",
        Stage::Hello(52, &[2, 0, 0, 0]),
    ),
    ("socklnd message type", Stage::Message(0, &[0xc7])),
    (
        "lnet message type",
        Stage::Message(KSOCK_MSG_HDR_SIZE + 24, &[9]),
    ),
    (
        "PUT payload over LNET_MTU",
        Stage::Message(KSOCK_MSG_HDR_SIZE + 28, &[1, 0, 0x10, 0]),
    ),
    (
        "GET with a payload",
        Stage::Message(KSOCK_MSG_HDR_SIZE + 24, &[2, 0, 0, 0, 4, 0, 0, 0]),
    ),
    (
        "destination NID not the node's",
        Stage::Message(KSOCK_MSG_HDR_SIZE, &[0x77]),
    ),
    (
        "source NID not the peer's",
        Stage::Message(KSOCK_MSG_HDR_SIZE + 8, &[0x77]),
    ),
    (
        "HELLO after the handshake",
        Stage::Message(KSOCK_MSG_HDR_SIZE + 24, &[4]),
    ),
];

fn patch(buf: &mut [u8], off: usize, bytes: &[u8]) {
    buf[off..off + bytes.len()].copy_from_slice(bytes);
}

/// Runs one case; true when the node closed the connection.
fn run_case(addr: SocketAddr, me: Nid, peer: Nid, stage: &Stage) -> Result<bool, String> {
    let mut s = connect_from(addr, SourcePort::Reserved).map_err(|e| e.to_string())?;
    let mut req = [0u8; CONNREQ_SIZE];
    encode_v1(peer.as_u64(), &mut req).map_err(|e| e.to_string())?;
    let mut hello = [0u8; HELLO_SIZE];
    Hello {
        version: KSOCK_PROTO_V3,
        src_nid: me.as_u64(),
        dst_nid: peer.as_u64(),
        src_pid: LNET_PID_LUSTRE,
        dst_pid: LNET_PID_LUSTRE,
        src_incarnation: 1,
        dst_incarnation: 0,
        conn_type: ConnType::Control,
    }
    .encode(&mut hello)
    .map_err(|e| e.to_string())?;
    let mut msg = [0u8; KSOCK_MSG_HDR_SIZE + LNET_HDR_SIZE];
    KsockMsgHdr {
        msg_type: KsockMsgType::Lnet,
        csum: 0,
        zc_cookies: [0, 0],
    }
    .encode(&mut msg)
    .map_err(|e| e.to_string())?;
    LnetHdr {
        dest_nid: peer.as_u64(),
        src_nid: me.as_u64(),
        dest_pid: LNET_PID_LUSTRE,
        src_pid: LNET_PID_LUSTRE,
        payload_length: 0,
        msg: LnetMsg::Put {
            ack_wmd: WireHandle::NONE,
            match_bits: 1,
            hdr_data: 0,
            ptl_index: 33,
            offset: 0,
        },
    }
    .encode(&mut msg[KSOCK_MSG_HDR_SIZE..])
    .map_err(|e| e.to_string())?;
    let io = |e: std::io::Error| e.to_string();
    match stage {
        Stage::ConnReq(off, bytes) => {
            patch(&mut req, *off, bytes);
            s.write_all(&req).map_err(io)?;
            s.write_all(&hello).map_err(io)?;
        }
        Stage::Hello(off, bytes) => {
            patch(&mut hello, *off, bytes);
            s.write_all(&req).map_err(io)?;
            s.write_all(&hello).map_err(io)?;
        }
        Stage::Message(off, bytes) => {
            s.write_all(&req).map_err(io)?;
            s.write_all(&hello).map_err(io)?;
            let mut reply = [0u8; HELLO_SIZE];
            s.set_read_timeout(Some(CLOSE_TIMEOUT)).map_err(io)?;
            s.read_exact(&mut reply)
                .map_err(|e| format!("no HELLO back: {e}"))?;
            patch(&mut msg, *off, bytes);
            s.write_all(&msg).map_err(io)?;
        }
    }
    Ok(closed(&mut s))
}

/// Whether the peer closes `s` (end of stream or reset) within the timeout;
/// what it sends before (an acceptor request saying what it speaks, a
/// HELLO) is read and ignored.
fn closed(s: &mut TcpStream) -> bool {
    if s.set_read_timeout(Some(CLOSE_TIMEOUT)).is_err() {
        return false;
    }
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// Runs every case against `peer` (on `port`) as `me`; true when the peer
/// closed every connection.
pub fn run(me: Nid, peer: Nid, port: u16) -> bool {
    let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(peer.addr()), port));
    let mut ok = true;
    for (name, stage) in CASES {
        match run_case(addr, me, peer, stage) {
            Ok(true) => println!("closed: {name}"),
            Ok(false) => {
                println!("NOT CLOSED: {name}");
                ok = false;
            }
            Err(e) => {
                println!("ERROR: {name}: {e}");
                ok = false;
            }
        }
    }
    ok
}
