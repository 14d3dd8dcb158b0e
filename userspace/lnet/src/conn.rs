//! One socklnd connection: its handshake (either side) and its framing.
//!
//! After the HELLO, every message is a `ksock_msg_hdr` in the sender's byte
//! order, then for LNET messages a 72-byte little-endian `lnet_hdr` and its
//! payload. Senders share a connection through its writer mutex; exactly one
//! thread reads it.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::Duration;

use wire::codec::ByteOrder;
use wire::lnet::acceptor::{self, ConnReq, CONNREQ_SIZE};
use wire::lnet::hdr::{LnetHdr, LNET_HDR_SIZE};
use wire::socklnd::handshake::{self, Local};
use wire::socklnd::hello::{ConnType, Hello, ReceivedHello, HELLO_SIZE};
use wire::socklnd::msg::{KsockMsgHdr, KsockMsgType, KSOCK_MSG_HDR_SIZE};

use crate::Error;

/// How long a handshake may take (the acceptor's timeout in Lustre).
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// An established connection.
#[derive(Debug)]
pub(crate) struct Conn {
    /// The peer's NID (`lnet_nid_t`).
    pub peer_nid: u64,
    /// The peer's PID.
    pub peer_pid: u32,
    /// The peer's incarnation.
    pub peer_incarnation: u64,
    /// The connection's type from our side.
    pub conn_type: ConnType,
    /// The peer's byte order, for the socklnd headers it sends.
    pub order: ByteOrder,
    /// The peer's address.
    pub addr: SocketAddr,
    writer: Mutex<TcpStream>,
}

/// A message read from a connection.
#[derive(Debug)]
pub(crate) enum Frame {
    /// A NOOP: a keepalive or zero-copy acknowledgement.
    Noop,
    /// An LNet message, and the zero-copy cookie to acknowledge (0: none).
    Lnet {
        hdr: LnetHdr,
        payload: Vec<u8>,
        zc_cookie: u64,
    },
}

impl Conn {
    /// Sends an LNet message.
    pub fn send_lnet(&self, hdr: &LnetHdr, payload: &[u8]) -> Result<(), Error> {
        let mut head = [0u8; KSOCK_MSG_HDR_SIZE + LNET_HDR_SIZE];
        KsockMsgHdr {
            msg_type: KsockMsgType::Lnet,
            csum: 0,
            zc_cookies: [0, 0],
        }
        .encode(&mut head)?;
        hdr.encode(&mut head[KSOCK_MSG_HDR_SIZE..])?;
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(&head)?;
        w.write_all(payload)?;
        Ok(())
    }

    /// Acknowledges the zero-copy send `cookie` with a NOOP.
    pub fn send_zc_ack(&self, cookie: u64) -> Result<(), Error> {
        let mut head = [0u8; KSOCK_MSG_HDR_SIZE];
        KsockMsgHdr {
            msg_type: KsockMsgType::Noop,
            csum: 0,
            zc_cookies: [0, cookie],
        }
        .encode(&mut head)?;
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        w.write_all(&head)?;
        Ok(())
    }

    /// Closes the connection; its reader sees the end of the stream.
    pub fn close(&self) {
        let w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        // Already closed by the peer is fine.
        let _ = w.shutdown(Shutdown::Both);
    }
}

/// Reads the next message from `r`, sent in `order`, checking every length.
pub(crate) fn read_frame(r: &mut impl Read, order: ByteOrder) -> Result<Frame, Error> {
    let mut head = [0u8; KSOCK_MSG_HDR_SIZE];
    r.read_exact(&mut head)?;
    let ksh = KsockMsgHdr::decode(&head, order)?;
    match ksh.msg_type {
        KsockMsgType::Noop => Ok(Frame::Noop),
        KsockMsgType::Lnet => {
            let mut raw = [0u8; LNET_HDR_SIZE];
            r.read_exact(&mut raw)?;
            let hdr = LnetHdr::decode(&raw)?;
            // LnetHdr::decode bounds payload_length by LNET_MTU.
            let mut payload = vec![0u8; hdr.payload_length as usize];
            r.read_exact(&mut payload)?;
            Ok(Frame::Lnet {
                hdr,
                payload,
                zc_cookie: ksh.zc_cookies[0],
            })
        }
    }
}

/// Reads a HELLO and skips the IP list after it.
fn read_hello(r: &mut TcpStream) -> Result<ReceivedHello, Error> {
    let mut buf = [0u8; HELLO_SIZE];
    r.read_exact(&mut buf)?;
    let got = Hello::decode(&buf)?;
    let mut ips = [0u8; 64];
    let ips = ips.get_mut(..got.ip_bytes).ok_or(Error::Protocol(format!(
        "{} bytes of IP list",
        got.ip_bytes
    )))?;
    r.read_exact(ips)?;
    Ok(got)
}

fn established(
    stream: &TcpStream,
    hello: &Hello,
    conn_type: ConnType,
    order: ByteOrder,
) -> Result<Conn, Error> {
    stream.set_read_timeout(None)?;
    stream.set_nodelay(true)?;
    Ok(Conn {
        peer_nid: hello.src_nid,
        peer_pid: hello.src_pid,
        peer_incarnation: hello.src_incarnation,
        conn_type,
        order,
        addr: stream.peer_addr()?,
        writer: Mutex::new(stream.try_clone()?),
    })
}

/// The accepting side: reads the acceptor request (which must name one of
/// `our_nids`) and the peer's HELLO, and answers it. `userspace_pid` is the
/// PID to record for a peer on a non-privileged port (which Lustre treats
/// as a userspace process), or `None` for a kernel peer. A HELLO in a later
/// protocol version than `version` is answered in `version`, and the
/// connection closed, as an older Lustre node does.
pub(crate) fn accept(
    stream: &mut TcpStream,
    local: &Local,
    userspace_pid: Option<u32>,
    version: u32,
) -> Result<Conn, Error> {
    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
    let mut req = [0u8; CONNREQ_SIZE];
    stream.read_exact(&mut req)?;
    match ConnReq::decode(&req)? {
        ConnReq::V1 { nid } if nid == local.nid => {}
        ConnReq::V1 { nid } => {
            return Err(Error::Protocol(format!(
                "connection request for {}, which is not ours",
                fmt_nid(nid)
            )))
        }
        ConnReq::Unsupported => {
            // Tell the peer what we speak, as Lustre does, then close.
            acceptor::encode_v1(0, &mut req)?;
            stream.write_all(&req)?;
            return Err(Error::Protocol("unsupported acceptor request".into()));
        }
    }
    let got = read_hello(stream)?;
    if let Some(ours) = handshake::downgrade_reply(local, &got.hello, version) {
        // As an older Lustre node: our HELLO in our version, then close.
        let mut buf = [0u8; HELLO_SIZE];
        ours.encode(&mut buf)?;
        stream.write_all(&buf)?;
        return Err(Error::Protocol(format!(
            "HELLO in socklnd V{}; we answered in V{version}",
            got.hello.version
        )));
    }
    let mut reply = handshake::passive_reply(local, &got.hello)?;
    let mut peer = got.hello;
    if let Some(pid) = userspace_pid {
        peer.src_pid = pid;
        reply.dst_pid = pid;
    }
    let mut buf = [0u8; HELLO_SIZE];
    reply.encode(&mut buf)?;
    stream.write_all(&buf)?;
    established(stream, &peer, reply.conn_type, got.order)
}

/// The connecting side: sends the acceptor request and our HELLO for a
/// connection of `conn_type` to `peer_nid` in protocol `version`, and
/// checks the answer.
pub(crate) fn connect(
    stream: &mut TcpStream,
    local: &Local,
    peer_nid: u64,
    peer_pid: u32,
    (conn_type, version): (ConnType, u32),
) -> Result<Conn, Error> {
    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT))?;
    let mut out = [0u8; CONNREQ_SIZE + HELLO_SIZE];
    acceptor::encode_v1(peer_nid, &mut out)?;
    let hello = handshake::active_hello(local, peer_nid, conn_type, version);
    hello.encode(&mut out[CONNREQ_SIZE..])?;
    stream.write_all(&out)?;
    let got = read_hello(stream)?;
    handshake::check_active_reply(&hello, peer_pid, &got.hello)?;
    established(stream, &got.hello, conn_type, got.order)
}

/// Formats a 64-bit NID for a log line.
pub fn fmt_nid(nid: u64) -> String {
    match wire::nid::Nid::from_u64(nid) {
        Ok(n) => n.to_string(),
        Err(_) => format!("{nid:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::lnet::LNET_MTU;

    #[test]
    fn reads_frames_and_rejects_oversized_payloads() {
        let hdr = LnetHdr {
            dest_nid: 1,
            src_nid: 2,
            dest_pid: 12345,
            src_pid: 12345,
            payload_length: 3,
            msg: wire::lnet::hdr::LnetMsg::Reply {
                dst_wmd: wire::lnet::hdr::WireHandle::NONE,
            },
        };
        let mut bytes = vec![0u8; KSOCK_MSG_HDR_SIZE + LNET_HDR_SIZE];
        KsockMsgHdr {
            msg_type: KsockMsgType::Lnet,
            csum: 0,
            zc_cookies: [9, 0],
        }
        .encode(&mut bytes)
        .unwrap();
        hdr.encode(&mut bytes[KSOCK_MSG_HDR_SIZE..]).unwrap();
        bytes.extend_from_slice(b"abc");
        match read_frame(&mut &bytes[..], ByteOrder::Little).unwrap() {
            Frame::Lnet {
                hdr: got,
                payload,
                zc_cookie,
            } => {
                assert_eq!(got, hdr);
                assert_eq!(payload, b"abc");
                assert_eq!(zc_cookie, 9);
            }
            Frame::Noop => panic!("not a NOOP"),
        }
        // Truncated payload.
        assert!(read_frame(&mut &bytes[..bytes.len() - 1], ByteOrder::Little).is_err());
        // A payload over LNET_MTU is refused before anything is allocated.
        let len = KSOCK_MSG_HDR_SIZE + 28;
        bytes[len..len + 4].copy_from_slice(&(LNET_MTU + 1).to_le_bytes());
        assert!(matches!(
            read_frame(&mut &bytes[..], ByteOrder::Little),
            Err(Error::Wire(_))
        ));
    }
}
