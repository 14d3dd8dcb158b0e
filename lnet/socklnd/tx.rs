// SPDX-License-Identifier: GPL-2.0

//! Messages waiting to be sent on a connection (socklnd's `ksock_tx`).
//!
//! Nobody who sends a message writes to the socket: the sender queues a
//! [`Tx`] on the connection and returns, and the connection's sending
//! thread writes the queued messages in order (see `conn.rs`). So an API
//! user's PUT, a receiving thread's ACK or REPLY and a keepalive never wait
//! for the network, and two peers that both answer on the connection they
//! read from cannot block each other.
//!
//! The queue ([`TxQueue`]) is the sending thread's: of a connection, or of
//! the loopback (`lolnd.rs`), which delivers instead of writing.
//!
//! A `Tx` keeps what it sends alive: an MD's payload through a reference
//! to the MD, whose last event therefore waits for the send. When it is
//! done, sent or failed, its event (if it has one) is given, with the
//! failure as the event's status.

use kernel::prelude::*;
use kernel::sync::{Arc, CondVar, Mutex};

use super::zc::ZC_MIN_PAYLOAD;
use crate::errno;
use crate::frag::Frag;
use crate::md::{Event, Md};
use crate::net::Socket;
use crate::wire::lnet::hdr::{LnetHdr, LNET_HDR_SIZE};
use crate::wire::socklnd::msg::{KsockMsgHdr, KsockMsgType, KSOCK_MSG_HDR_SIZE};

/// The largest header of a message: socklnd's and LNet's.
const HEAD_MAX: usize = KSOCK_MSG_HDR_SIZE + LNET_HDR_SIZE;

/// What follows a message's headers.
pub(crate) enum Payload {
    /// Nothing.
    None,
    /// `len` bytes of an MD, from `off`.
    Md {
        /// The MD.
        md: Arc<Md>,
        /// The offset in it.
        off: usize,
        /// The length.
        len: usize,
    },
    /// LNet's own bytes (the answer to a ping).
    Buf(KVec<u8>),
}

impl Payload {
    /// The fragments of `len` bytes of the payload from `at` (what the
    /// loopback copies).
    pub(crate) fn frags(&self, at: usize, len: usize) -> Result<KVec<Frag>> {
        match self {
            Payload::Md { md, off, len: n } => {
                if at.checked_add(len).map_or(true, |end| end > *n) {
                    return Err(EINVAL);
                }
                md.frags(off + at, len)
            }
            Payload::Buf(b) => {
                let src = b.get(at..).and_then(|r| r.get(..len)).ok_or(EINVAL)?;
                let mut frags = KVec::new();
                // Only ever read (as a copy's source); at most a ping's
                // answer long.
                frags.push(Frag::mem(src.as_ptr().cast_mut(), len as u32), GFP_KERNEL)?;
                Ok(frags)
            }
            Payload::None if len == 0 => Ok(KVec::new()),
            Payload::None => Err(EINVAL),
        }
    }
}

/// The event a message gives when it is done (`lnet_finalize`'s).
pub(crate) struct TxEvent {
    /// The MD it is given on.
    pub md: Arc<Md>,
    /// The event; its status is set when the send fails.
    pub ev: Event,
    /// Whether it is the MD's last.
    pub last: bool,
}

/// A message to send.
pub(crate) struct Tx {
    msg_type: KsockMsgType,
    /// The peer's zero-copy send that this message acknowledges (0: none).
    ack_cookie: u64,
    /// The encoded LNet header, for an LNET message.
    lnet: [u8; LNET_HDR_SIZE],
    payload: Payload,
    event: Option<TxEvent>,
    /// The cookie the peer is asked to acknowledge, once the sending
    /// thread sends the payload by reference (0: it does not).
    zc_cookie: u64,
}

impl Tx {
    /// An LNet message: `hdr`, whose `payload_length` is that of
    /// `payload`, then `payload`; `event` is given when it is done.
    ///
    /// # Errors
    /// `EINVAL` when the header cannot be encoded; `event` is then given
    /// with that status.
    pub(crate) fn lnet(hdr: &LnetHdr, payload: Payload, event: Option<TxEvent>) -> Result<Tx> {
        let mut tx = Tx {
            msg_type: KsockMsgType::Lnet,
            ack_cookie: 0,
            lnet: [0; LNET_HDR_SIZE],
            payload,
            event,
            zc_cookie: 0,
        };
        match hdr.encode(&mut tx.lnet) {
            Ok(()) => Ok(tx),
            Err(_) => {
                tx.complete(Err(EINVAL));
                Err(EINVAL)
            }
        }
    }

    /// A NOOP that acknowledges the peer's zero-copy send `cookie` (or,
    /// with `SOCKNAL_KEEPALIVE_PING`, is a keepalive).
    pub(crate) fn noop(cookie: u64) -> Tx {
        Tx {
            msg_type: KsockMsgType::Noop,
            ack_cookie: cookie,
            lnet: [0; LNET_HDR_SIZE],
            payload: Payload::None,
            event: None,
            zc_cookie: 0,
        }
    }

    /// The payload's length for an LNet message, `None` for a NOOP.
    pub(crate) fn lnet_len(&self) -> Option<usize> {
        (self.msg_type == KsockMsgType::Lnet).then(|| match &self.payload {
            Payload::None => 0,
            Payload::Md { len, .. } => *len,
            Payload::Buf(b) => b.len(),
        })
    }

    /// The LNet header, `None` for a NOOP.
    pub(crate) fn lnet_hdr(&self) -> Option<LnetHdr> {
        (self.msg_type == KsockMsgType::Lnet)
            .then(|| LnetHdr::decode(&self.lnet).ok())
            .flatten()
    }

    /// The payload.
    pub(crate) fn payload(&self) -> &Payload {
        &self.payload
    }

    /// Whether the payload is pages worth sending by reference.
    pub(crate) fn zero_copy_worth(&self) -> bool {
        matches!(&self.payload, Payload::Md { md, len, .. } if *len >= ZC_MIN_PAYLOAD && md.is_kiov())
    }

    /// Sends the payload by reference, asking the peer to acknowledge
    /// `cookie` (see `zc.rs`).
    pub(crate) fn set_zc_cookie(&mut self, cookie: u64) {
        self.zc_cookie = cookie;
    }

    /// Writes the message to `sock`.
    pub(crate) fn send(&self, sock: &Socket) -> Result {
        let mut head = [0u8; HEAD_MAX];
        KsockMsgHdr {
            msg_type: self.msg_type,
            csum: 0,
            zc_cookies: [self.zc_cookie, self.ack_cookie],
        }
        .encode(&mut head)
        .map_err(|_| EINVAL)?;
        let head_len = match self.msg_type {
            KsockMsgType::Noop => KSOCK_MSG_HDR_SIZE,
            KsockMsgType::Lnet => {
                head[KSOCK_MSG_HDR_SIZE..].copy_from_slice(&self.lnet);
                HEAD_MAX
            }
        };
        sock.send_all(&head[..head_len])?;
        match &self.payload {
            Payload::None => Ok(()),
            Payload::Md { md, off, len } => md.send(sock, *off, *len, self.zc_cookie != 0),
            Payload::Buf(b) => sock.send_all(b),
        }
    }

    /// Ends the message: gives its event, with the failure `res` as status.
    pub(crate) fn complete(self, res: Result) {
        if let Some(TxEvent { md, mut ev, last }) = self.event {
            if let Err(e) = res {
                ev.status = e.to_errno();
            }
            md.event(ev, last);
        }
    }
}

/// The messages waiting for a sending thread.
#[derive(Default)]
struct Queued {
    txs: KVec<Tx>,
    /// Set once the queue is closed: nothing is queued any more.
    closed: bool,
}

/// A queue of messages and the thread that takes them.
#[pin_data]
pub(crate) struct TxQueue {
    #[pin]
    queued: Mutex<Queued>,
    /// Wakes the thread.
    #[pin]
    cv: CondVar,
}

impl TxQueue {
    /// An empty, open queue.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(TxQueue {
            queued <- kernel::new_mutex!(Queued::default()),
            cv <- kernel::new_condvar!(),
        })
    }

    /// Queues `tx`. On a closed queue, or without the memory to queue it,
    /// `tx` fails at once: it is completed with the error, which is
    /// returned.
    pub(crate) fn post(&self, tx: Tx) -> Result {
        let mut q = self.queued.lock();
        let room = if q.closed {
            Err(errno::econnreset())
        } else {
            q.txs.reserve(1, GFP_KERNEL).map_err(Error::from)
        };
        match room {
            Ok(()) => {
                // With the room reserved, this cannot fail.
                let _ = q.txs.push(tx, GFP_KERNEL);
                self.cv.notify_one();
                Ok(())
            }
            Err(e) => {
                drop(q);
                tx.complete(Err(e));
                Err(e)
            }
        }
    }

    /// Closes the queue: what is queued is still taken, nothing more is
    /// queued.
    pub(crate) fn close(&self) {
        self.queued.lock().closed = true;
        self.cv.notify_all();
    }

    /// Waits for messages and takes them all, in order; `None` once the
    /// queue is closed and empty.
    pub(crate) fn take(&self) -> Option<KVec<Tx>> {
        let mut q = self.queued.lock();
        while q.txs.is_empty() && !q.closed {
            // Kernel threads take no signals: this only wakes on a
            // notification.
            let _ = self.cv.wait_interruptible(&mut q);
        }
        if q.txs.is_empty() {
            None
        } else {
            Some(core::mem::take(&mut q.txs))
        }
    }
}
