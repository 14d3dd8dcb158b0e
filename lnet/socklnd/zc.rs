// SPDX-License-Identifier: GPL-2.0

//! Zero-copy sends waiting for the peer's acknowledgement (socklnd's
//! `ksnp_zc_req_list`).
//!
//! A payload of pages at least [`ZC_MIN_PAYLOAD`] long is sent by
//! reference: TCP keeps pointing at the MD's pages after the send returns.
//! So the message asks the peer for an acknowledgement (a cookie in
//! `zc_cookies[0]`) and is only done (its event given, the MD's memory
//! free to change) once the peer returns the cookie, in a NOOP or on a
//! message of its own, on any connection. The sending thread registers the
//! cookie before it writes (the acknowledgement may come before the write
//! returns) and leaves the message here after; the receiving thread that
//! reads the acknowledgement completes it. When a connection closes, the
//! messages sent on it and not yet acknowledged fail.

use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::Mutex;

use super::tx::Tx;
use crate::errno;
use crate::wire::socklnd::msg::{ZcAck, SOCKNAL_KEEPALIVE_PING};

/// The smallest payload sent by reference (socklnd's `zc_min_payload`).
pub(crate) const ZC_MIN_PAYLOAD: usize = 16 << 10;

/// A zero-copy send not yet acknowledged.
struct Pending {
    peer_nid: u64,
    /// The connection it was written on (its address, unique while the
    /// connection lives, and its entries do not outlive it).
    conn: usize,
    /// The message, once written.
    tx: Option<Tx>,
    /// The peer acknowledged it before the write returned.
    acked: bool,
    /// Its connection closed before the write returned.
    failed: bool,
}

struct Inner {
    /// The next cookie: from 2 on, as Lustre (1 is the keepalive).
    next_cookie: u64,
    pending: RBTree<u64, Pending>,
}

/// The zero-copy sends waiting for acknowledgements, of every peer.
#[pin_data]
pub(crate) struct ZcTable {
    #[pin]
    inner: Mutex<Inner>,
}

impl ZcTable {
    /// An empty table.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(ZcTable {
            inner <- kernel::new_mutex!(Inner {
                next_cookie: SOCKNAL_KEEPALIVE_PING + 1,
                pending: RBTree::new(),
            }),
        })
    }

    /// Registers a send to `peer_nid` on connection `conn`; returns the
    /// cookie it asks the peer to acknowledge.
    pub(crate) fn register(&self, peer_nid: u64, conn: usize) -> Result<u64> {
        let mut inner = self.inner.lock();
        let cookie = inner.next_cookie;
        let entry = Pending {
            peer_nid,
            conn,
            tx: None,
            acked: false,
            failed: false,
        };
        inner
            .pending
            .try_create_and_insert(cookie, entry, GFP_KERNEL)?;
        inner.next_cookie = cookie.wrapping_add(1).max(SOCKNAL_KEEPALIVE_PING + 1);
        Ok(cookie)
    }

    /// The send `cookie` was written (`res`): it is done now if the write
    /// failed, the peer acknowledged it already or its connection closed;
    /// else it waits here for the acknowledgement.
    pub(crate) fn written(&self, cookie: u64, tx: Tx, res: Result) {
        let mut inner = self.inner.lock();
        let closed = match inner.pending.get_mut(&cookie) {
            Some(p) if res.is_ok() && !p.acked && !p.failed => {
                p.tx = Some(tx);
                return;
            }
            Some(p) => p.failed.then(errno::econnreset),
            None => None,
        };
        inner.pending.remove(&cookie);
        drop(inner);
        tx.complete(res.and(closed.map_or(Ok(()), Err)));
    }

    /// The acknowledgement `ack` came from `peer_nid`: completes the sends
    /// it covers. Returns how many it covered.
    pub(crate) fn acked(&self, peer_nid: u64, ack: ZcAck) -> usize {
        let covers = |cookie, p: &mut Pending| {
            let hit = p.peer_nid == peer_nid && !p.acked && ack.covers(cookie);
            p.acked |= hit;
            hit
        };
        self.settle(covers, Ok(()))
    }

    /// Connection `conn` closed: its sends not yet acknowledged fail.
    pub(crate) fn conn_closed(&self, conn: usize) {
        let sent_on = |_, p: &mut Pending| {
            let hit = p.conn == conn && !p.acked && !p.failed;
            p.failed |= hit;
            hit
        };
        self.settle(sent_on, Err(errno::econnreset()));
    }

    /// Marks the sends that `mark` picks (it returns true for those it
    /// marks) and completes with `res` those already written, one at a
    /// time, outside the lock. Returns how many were marked.
    fn settle(&self, mut mark: impl FnMut(u64, &mut Pending) -> bool, res: Result) -> usize {
        let mut marked = 0;
        loop {
            let mut inner = self.inner.lock();
            let mut done = None;
            for (cookie, p) in inner.pending.iter_mut() {
                if mark(*cookie, p) {
                    marked += 1;
                    if p.tx.is_some() {
                        done = Some(*cookie);
                        break;
                    }
                }
            }
            let Some(tx) = done
                .and_then(|c| inner.pending.remove(&c))
                .and_then(|p| p.tx)
            else {
                return marked;
            };
            drop(inner);
            tx.complete(res);
        }
    }
}
