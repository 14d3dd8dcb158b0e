// SPDX-License-Identifier: GPL-2.0

//! The loopback (Lustre's lolnd): the messages a node sends to itself, at
//! `0@lo` or at one of its own NIDs.
//!
//! They are queued like a connection's (a [`TxQueue`]) and delivered by the
//! loopback thread (`lnet_lo`), which hands each to the LNet core as if a
//! peer had sent it, its payload copied from the sender's memory. So, as
//! over TCP, the sender never runs the receiver's event handlers in its
//! own context, and a PUT's SEND event comes after the PUT was delivered.
//! The answers the core gives (an ACK, a REPLY) go back on the loopback.

use core::cell::Cell;

use kernel::prelude::*;

use crate::errno;
use crate::frag::{self, Frag};
use crate::klog::warn_ratelimited;
use crate::lnd::{Ends, Link, Rx};
use crate::ni::{Lnet, NidFmt};
use crate::socklnd::tx::{Payload, Tx, TxQueue};
use crate::wire::lnet::LNET_PID_LUSTRE;

/// The loopback, to one of our NIDs.
#[derive(Clone, Copy)]
pub(crate) struct LoLink<'a> {
    queue: &'a TxQueue,
    nid: u64,
}

impl<'a> LoLink<'a> {
    /// The loopback of `queue` at our NID `nid`.
    pub(crate) fn new(queue: &'a TxQueue, nid: u64) -> Self {
        LoLink { queue, nid }
    }
}

impl Link for LoLink<'_> {
    fn ends(&self) -> Ends {
        Ends {
            local_nid: self.nid,
            peer_nid: self.nid,
            peer_pid: LNET_PID_LUSTRE,
        }
    }

    fn post(&self, tx: Tx) {
        // A failure (the loopback closed) is the message's event's status.
        let _ = self.queue.post(tx);
    }
}

/// A message being delivered on the loopback: its payload is the
/// sender's, read from `pos` on.
struct LoRx<'a> {
    link: LoLink<'a>,
    payload: &'a Payload,
    pos: Cell<usize>,
}

impl LoRx<'_> {
    /// Takes the next `len` bytes: their offset in the payload.
    fn advance(&self, len: usize) -> usize {
        let at = self.pos.get();
        self.pos.set(at.saturating_add(len));
        at
    }
}

impl Link for LoRx<'_> {
    fn ends(&self) -> Ends {
        self.link.ends()
    }

    fn post(&self, tx: Tx) {
        self.link.post(tx)
    }
}

impl Rx for LoRx<'_> {
    unsafe fn recv_frags(&self, dst: &[Frag]) -> Result {
        let len = dst.iter().map(|f| f.len() as usize).sum();
        let src = self.payload.frags(self.advance(len), len)?;
        // SAFETY: `dst` is the caller's contract; `src` is the sender's
        // payload, which its `Tx` keeps alive and nothing writes while it
        // is queued (an MD's memory is the user's until its last event).
        unsafe { frag::copy(dst, &src, len) }
    }

    fn skip(&self, len: usize) -> Result {
        self.advance(len);
        Ok(())
    }

    fn malformed(&self, e: impl core::fmt::Display) -> Error {
        warn_ratelimited(format_args!(
            "{}: malformed loopback message: {e}",
            NidFmt(self.link.nid)
        ));
        errno::eproto()
    }
}

impl Lnet {
    /// The loopback thread: delivers what is queued on the loopback until
    /// it is closed and empty.
    pub(crate) fn lo_deliver(&self, queue: &TxQueue) {
        while let Some(batch) = queue.take() {
            for tx in batch {
                // Nothing queues a NOOP on the loopback.
                let res = tx.lnet_hdr().map_or(Ok(()), |hdr| {
                    let rx = LoRx {
                        link: LoLink::new(queue, hdr.dest_nid),
                        payload: tx.payload(),
                        pos: Cell::new(0),
                    };
                    self.handle(&rx, hdr)
                });
                if let (Ok(()), Some(len)) = (res, tx.lnet_len()) {
                    self.stats().sent(len);
                }
                tx.complete(res);
            }
        }
    }
}
