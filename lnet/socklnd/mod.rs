// SPDX-License-Identifier: GPL-2.0

//! socklnd, LNet's TCP transport: the handshake of each new connection, from
//! either side, the connections themselves ([`conn`]), the messages
//! queued on them ([`tx`]) and the zero-copy sends waiting for the peer's
//! acknowledgement ([`zc`]).
//!
//! The connecting side sends the acceptor's request and its HELLO (protocol
//! version 3, a typed connection; version 2 again to a peer that answers in
//! version 2); the accepting side checks them and answers with its own
//! HELLO, in the version it was asked in. The rules of both are the wire crate's
//! (`socklnd::handshake`), which our userspace LNet shares.

pub(crate) mod conn;
pub(crate) mod tx;
pub(crate) mod zc;

use kernel::prelude::*;

use crate::errno;
use crate::net::Socket;
use crate::ni::NidFmt;
use crate::wire::lnet::acceptor::{self, ConnReq, CONNREQ_SIZE};
use crate::wire::lnet::LNET_PID_USERFLAG;
use crate::wire::nid::Nid;
use crate::wire::socklnd::handshake::{self, Local};
use crate::wire::socklnd::hello::{
    ConnType, Hello, ReceivedHello, HELLO_SIZE, KSOCK_MAX_NIPS, KSOCK_PROTO_V2,
};
use conn::ConnInfo;

/// How long a handshake may take, in milliseconds.
pub(crate) const HANDSHAKE_TIMEOUT_MS: u32 = 5000;

/// The highest privileged port (`LNET_ACCEPTOR_MAX_RESERVED_PORT`).
pub(crate) const MAX_RESERVED_PORT: u16 = 1023;

/// The lowest privileged port that we connect from
/// (`LNET_ACCEPTOR_MIN_RESERVED_PORT`).
const MIN_RESERVED_PORT: u16 = 512;

/// Logs why a handshake with `addr` failed and returns `err`.
fn refuse(addr: (u32, u16), why: impl core::fmt::Display, err: Error) -> Error {
    let ip = addr.0.to_be_bytes();
    crate::klog::warn_ratelimited(format_args!(
        "connection with {}.{}.{}.{}:{}: {why}",
        ip[0], ip[1], ip[2], ip[3], addr.1
    ));
    err
}

/// Reads a HELLO and skips the IP list after it.
fn read_hello(sock: &Socket, addr: (u32, u16)) -> Result<ReceivedHello> {
    let mut buf = [0u8; HELLO_SIZE];
    sock.recv_exact(&mut buf)?;
    let got = Hello::decode(&buf).map_err(|e| refuse(addr, e, errno::eproto()))?;
    let mut ips = [0u8; 4 * KSOCK_MAX_NIPS as usize];
    let ips = ips.get_mut(..got.ip_bytes).ok_or(errno::eproto())?;
    sock.recv_exact(ips)?;
    Ok(got)
}

/// The accepting side: reads the acceptor's request, which must name one of
/// `locals` (our NIDs), and the peer's HELLO, and answers it. A peer on a
/// non-privileged port is a userspace process: its PID becomes its port
/// with the userspace flag, as in Lustre. A peer that we are connecting to
/// at the same time (`racing` says) gets connection type NONE when its NID
/// is the lower (it retries; our connections win): `EALREADY`.
pub(crate) fn accept(
    sock: &Socket,
    locals: &[Local],
    racing: impl Fn(u64) -> bool,
) -> Result<ConnInfo> {
    let addr = sock.peer();
    sock.set_recv_timeout(HANDSHAKE_TIMEOUT_MS);
    let mut req = [0u8; CONNREQ_SIZE];
    sock.recv_exact(&mut req)?;
    let local = match ConnReq::decode(&req).map_err(|e| refuse(addr, e, errno::eproto()))? {
        ConnReq::V1 { nid } => locals.iter().find(|l| l.nid == nid).ok_or_else(|| {
            refuse(
                addr,
                format_args!("request for {}, which is not ours", NidFmt(nid)),
                errno::eproto(),
            )
        })?,
        ConnReq::Unsupported => {
            // Tell the peer what we speak, as Lustre does, then close.
            if acceptor::encode_v1(0, &mut req).is_ok() {
                let _ = sock.send_all(&req);
            }
            return Err(refuse(
                addr,
                "unsupported acceptor request",
                errno::eproto(),
            ));
        }
    };
    let got = read_hello(sock, addr)?;
    let peer = got.hello.src_nid;
    if racing(peer) && handshake::passive_loses_race(local.nid, peer) {
        let mut buf = [0u8; HELLO_SIZE];
        handshake::race_reply(local, &got.hello)
            .encode(&mut buf)
            .map_err(|_| EINVAL)?;
        sock.send_all(&buf)?;
        pr_info!(
            "{}: connection race, its connection refused: ours win\n",
            NidFmt(peer)
        );
        return Err(errno::ealready());
    }
    let mut reply = handshake::passive_reply(local, &got.hello)
        .map_err(|e| refuse(addr, e, errno::eproto()))?;
    let mut peer_pid = got.hello.src_pid;
    if addr.1 > MAX_RESERVED_PORT {
        peer_pid = u32::from(addr.1) | LNET_PID_USERFLAG;
        reply.dst_pid = peer_pid;
    }
    let mut buf = [0u8; HELLO_SIZE];
    reply.encode(&mut buf).map_err(|_| EINVAL)?;
    sock.send_all(&buf)?;
    sock.set_recv_timeout(0);
    Ok(ConnInfo {
        local_nid: local.nid,
        peer_nid: got.hello.src_nid,
        peer_pid,
        peer_incarnation: got.hello.src_incarnation,
        conn_type: reply.conn_type,
        version: got.hello.version,
        order: got.order,
        addr,
    })
}

/// Connects from a free privileged port, 1023 down to 512, as Lustre does
/// (peers refuse other ports by default).
fn connect_reserved(ip: u32, port: u16) -> Result<Socket> {
    for local_port in (MIN_RESERVED_PORT..=MAX_RESERVED_PORT).rev() {
        match Socket::connect(local_port, ip, port, HANDSHAKE_TIMEOUT_MS) {
            Err(e) if e == errno::eaddrinuse() || e == errno::eaddrnotavail() => continue,
            other => return other,
        }
    }
    Err(errno::eaddrinuse())
}

/// The connecting side: connects to `peer_nid` at port `port` and completes
/// the handshake for a connection of `conn_type` in protocol `version`.
///
/// # Errors
/// `EALREADY` when the peer won a connection race; `EPROTONOSUPPORT` when
/// it speaks only V2 (it answered in V2: connect again in V2); those of the
/// socket and of a bad handshake.
pub(crate) fn connect(
    local: &Local,
    peer_nid: u64,
    port: u16,
    (conn_type, version): (ConnType, u32),
) -> Result<(ConnInfo, Socket)> {
    let ip = Nid::from_u64(peer_nid).map_err(|_| EINVAL)?.addr();
    let sock = connect_reserved(ip, port)?;
    let addr = (ip, port);
    sock.set_recv_timeout(HANDSHAKE_TIMEOUT_MS);
    let mut out = [0u8; CONNREQ_SIZE + HELLO_SIZE];
    acceptor::encode_v1(peer_nid, &mut out).map_err(|_| EINVAL)?;
    let hello = handshake::active_hello(local, peer_nid, conn_type, version);
    hello.encode(&mut out[CONNREQ_SIZE..]).map_err(|_| EINVAL)?;
    sock.send_all(&out)?;
    let got = read_hello(&sock, addr)?;
    handshake::check_active_reply(&hello, crate::wire::lnet::LNET_PID_LUSTRE, &got.hello).map_err(
        |e| match e {
            // It is connecting to us too, and wins.
            handshake::HandshakeError::Retry => errno::ealready(),
            handshake::HandshakeError::Version(KSOCK_PROTO_V2) if version > KSOCK_PROTO_V2 => {
                errno::eprotonosupport()
            }
            e => refuse(addr, e, errno::eproto()),
        },
    )?;
    sock.set_recv_timeout(0);
    let info = ConnInfo {
        local_nid: local.nid,
        peer_nid,
        peer_pid: got.hello.src_pid,
        peer_incarnation: got.hello.src_incarnation,
        conn_type,
        version,
        order: got.order,
        addr,
    };
    Ok((info, sock))
}
