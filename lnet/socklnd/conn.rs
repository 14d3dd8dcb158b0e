// SPDX-License-Identifier: GPL-2.0

//! One socklnd connection (`ksock_conn`): its socket, what the handshake
//! learnt about the peer, and the framing of messages on it.
//!
//! After the HELLO every message is a `ksock_msg_hdr` in the sender's byte
//! order, then for LNET messages a little-endian `lnet_hdr` and its payload.
//! Each connection has two threads: one receiving thread reads, one sending
//! thread writes the messages queued by [`Conn::post`], in order (see
//! `tx.rs`). Closing the connection ([`Conn::close`]) fails what is still
//! queued and ends both.

use core::sync::atomic::{AtomicU32, Ordering};

use kernel::prelude::*;
use kernel::sync::Arc;

use super::tx::{Tx, TxQueue};
use super::zc::ZcTable;
use crate::errno;
use crate::frag::Frag;
use crate::lnd::{Ends, Link, Rx};
use crate::net::Socket;
use crate::stats::Stats;
use crate::wire::codec::ByteOrder;
use crate::wire::lnet::hdr::{LnetHdr, LNET_HDR_SIZE};
use crate::wire::socklnd::hello::ConnType;
use crate::wire::socklnd::msg::{
    KsockMsgHdr, KsockMsgType, ZcAck, KSOCK_MSG_HDR_SIZE, SOCKNAL_KEEPALIVE_PING,
};

/// What the handshake established.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnInfo {
    /// Our NID on the connection.
    pub local_nid: u64,
    /// The peer's NID.
    pub peer_nid: u64,
    /// The peer's PID.
    pub peer_pid: u32,
    /// The peer's incarnation.
    pub peer_incarnation: u64,
    /// The connection's type, from our side.
    pub conn_type: ConnType,
    /// The socklnd protocol version (`KSOCK_PROTO_V2` or `_V3`).
    pub version: u32,
    /// The byte order of the peer's socklnd headers.
    pub order: ByteOrder,
    /// The peer's IPv4 address and port.
    pub addr: (u32, u16),
}

/// An established connection.
#[pin_data]
pub(crate) struct Conn {
    /// What the handshake established.
    pub info: ConnInfo,
    /// The socket.
    pub sock: Socket,
    stats: Arc<Stats>,
    /// The zero-copy sends of every connection, waiting for their
    /// acknowledgements.
    zc: Arc<ZcTable>,
    /// What the sending thread sends.
    #[pin]
    queue: TxQueue,
    /// Seconds since the last message sent (counted by the keepalive
    /// thread, reset by every send).
    idle: AtomicU32,
}

/// A message read from a connection, its payload still on the socket.
pub(crate) enum Frame {
    /// A NOOP: a zero-copy acknowledgement, or a keepalive.
    Noop,
    /// An LNet header and the zero-copy cookie to acknowledge (0: none);
    /// `hdr.payload_length` bytes of payload follow on the socket.
    Lnet { hdr: LnetHdr, zc_cookie: u64 },
}

impl Conn {
    /// A new connection over `sock`.
    pub(crate) fn new(
        info: ConnInfo,
        sock: Socket,
        stats: Arc<Stats>,
        zc: Arc<ZcTable>,
    ) -> impl PinInit<Self> {
        pin_init!(Conn {
            info,
            sock,
            stats,
            zc,
            queue <- TxQueue::new(),
            idle: AtomicU32::new(0),
        })
    }

    /// Closes the connection: shuts the socket down, which ends the
    /// receiving thread, and ends the sending thread once it has failed
    /// what is still queued.
    pub(crate) fn close(&self) {
        self.sock.shutdown();
        self.queue.close();
        self.zc.conn_closed(self.key());
    }

    /// The connection's key in the zero-copy table: its address.
    fn key(&self) -> usize {
        core::ptr::from_ref(self) as usize
    }

    /// The sending thread: writes the queued messages in order until the
    /// connection is closed, or fails, which closes it.
    pub(crate) fn transmit(&self) {
        let mut res = Ok(());
        while let Some(batch) = self.queue.take() {
            for mut tx in batch {
                if res.is_err() {
                    tx.complete(res);
                    continue;
                }
                self.idle.store(0, Ordering::Relaxed);
                // Registered before the write: the acknowledgement may come
                // before the write returns.
                let zc = tx
                    .zero_copy_worth()
                    .then(|| self.zc.register(self.info.peer_nid, self.key()).ok())
                    .flatten();
                if let Some(cookie) = zc {
                    tx.set_zc_cookie(cookie);
                }
                res = tx.send(&self.sock);
                match (res, tx.lnet_len()) {
                    (Ok(()), Some(len)) => self.stats.sent(len),
                    (Ok(()), None) => {}
                    (Err(_), _) => self.close(),
                }
                match zc {
                    Some(cookie) => {
                        if res.is_ok() {
                            self.stats.zc_sent();
                        }
                        self.zc.written(cookie, tx, res);
                    }
                    None => tx.complete(res),
                }
            }
        }
    }

    /// Acknowledges the zero-copy send `cookie` of the peer with a NOOP.
    pub(crate) fn send_zc_ack(&self, cookie: u64) {
        self.post(Tx::noop(cookie));
    }

    /// Counts one more second of idleness; returns the seconds since the
    /// last message sent.
    pub(crate) fn tick(&self) -> u32 {
        self.idle.fetch_add(1, Ordering::Relaxed).saturating_add(1)
    }

    /// Sends a keepalive NOOP (V3: cookie [`SOCKNAL_KEEPALIVE_PING`]), which
    /// keeps NAT and firewall state alive and finds a dead peer.
    pub(crate) fn send_keepalive(&self) {
        self.send_zc_ack(SOCKNAL_KEEPALIVE_PING);
        self.stats.keepalive_sent();
    }

    /// Reads the next message's headers, checking them.
    ///
    /// # Errors
    /// `EPROTO` for a malformed header, or the socket's error.
    pub(crate) fn read_frame(&self) -> Result<Frame> {
        let mut head = [0u8; KSOCK_MSG_HDR_SIZE];
        self.sock.recv_exact(&mut head)?;
        let ksh = KsockMsgHdr::decode(&head, self.info.order).map_err(|e| self.malformed(e))?;
        match ksh.zc_ack() {
            ZcAck::None => {}
            ZcAck::Keepalive => self.stats.keepalive_received(),
            ack => {
                // Acknowledgements of nothing (of sends whose connection
                // closed) are ignored.
                for _ in 0..self.zc.acked(self.info.peer_nid, ack) {
                    self.stats.zc_acked();
                }
            }
        }
        match ksh.msg_type {
            KsockMsgType::Noop => Ok(Frame::Noop),
            KsockMsgType::Lnet => {
                let mut raw = [0u8; LNET_HDR_SIZE];
                self.sock.recv_exact(&mut raw)?;
                let hdr = LnetHdr::decode(&raw).map_err(|e| self.malformed(e))?;
                Ok(Frame::Lnet {
                    hdr,
                    zc_cookie: ksh.zc_cookies[0],
                })
            }
        }
    }
}

impl Link for Conn {
    fn ends(&self) -> Ends {
        Ends {
            local_nid: self.info.local_nid,
            peer_nid: self.info.peer_nid,
            peer_pid: self.info.peer_pid,
        }
    }

    /// Queues `tx` for the sending thread. On a closed connection, or
    /// without the memory to queue it, it fails at once.
    fn post(&self, tx: Tx) {
        if self.queue.post(tx).is_err() {
            self.stats.error();
        }
    }
}

impl Rx for Conn {
    unsafe fn recv_frags(&self, dst: &[Frag]) -> Result {
        // SAFETY: the caller's contract.
        unsafe { self.sock.recv_frags(dst) }
    }

    fn skip(&self, mut len: usize) -> Result {
        let mut scratch = [0u8; 256];
        while len > 0 {
            let n = len.min(scratch.len());
            self.sock.recv_exact(&mut scratch[..n])?;
            len -= n;
        }
        Ok(())
    }

    fn malformed(&self, e: impl core::fmt::Display) -> Error {
        self.stats.error();
        crate::klog::warn_ratelimited(format_args!(
            "{}: malformed message: {e}",
            crate::ni::NidFmt(self.info.peer_nid)
        ));
        errno::eproto()
    }
}
