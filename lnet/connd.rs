// SPDX-License-Identifier: GPL-2.0

//! Connecting without making senders wait (socklnd's `socknal_connd`).
//!
//! A message of the API's users to a peer that has no connection yet
//! waits in that peer's queue ([`Waiting`]) while the connection thread
//! (`socknal_connd`) connects; then it goes on the new connections, in the
//! order it was queued. When connecting fails, the message fails, with the
//! error as its event's status. So `lnet_put()` and `lnet_get()` return at
//! once even for a peer that takes the whole handshake timeout to answer.
//!
//! One thread connects to one peer at a time, as the connection set of a
//! peer is made under `Lnet::connecting` anyway; `lctl ping`, which waits
//! for its answer, still connects from its caller (so that an unreachable
//! peer fails it at once).

use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::Arc;

use crate::errno;
use crate::klog::warn_ratelimited;
use crate::lnd::{Ends, Link};
use crate::ni::{Lnet, NidFmt};
use crate::socklnd::tx::Tx;

/// The messages waiting for connections, by peer NID.
#[derive(Default)]
pub(crate) struct Waiting {
    peers: RBTree<u64, KVec<Tx>>,
    /// Set when LNet stops: nothing waits any more.
    stopped: bool,
}

impl Waiting {
    /// The queue of `nid`, with room for one more message.
    fn room(&mut self, nid: u64) -> Result<&mut KVec<Tx>> {
        if self.stopped {
            return Err(errno::eshutdown());
        }
        if self.peers.get(&nid).is_none() {
            self.peers
                .try_create_and_insert(nid, KVec::new(), GFP_KERNEL)?;
        }
        let txs = self.peers.get_mut(&nid).ok_or(ENOMEM)?;
        txs.reserve(1, GFP_KERNEL)?;
        Ok(txs)
    }
}

/// The way to a peer that is being connected to.
pub(crate) struct PeerLink<'a> {
    lnet: &'a Lnet,
    ends: Ends,
}

impl<'a> PeerLink<'a> {
    /// The way to the peer of `ends`, through `lnet`'s connection thread.
    pub(crate) fn new(lnet: &'a Lnet, ends: Ends) -> Self {
        PeerLink { lnet, ends }
    }
}

impl Link for PeerLink<'_> {
    fn ends(&self) -> Ends {
        self.ends
    }

    fn post(&self, tx: Tx) {
        self.lnet.wait_for_conns(self.ends.peer_nid, tx);
    }
}

impl Lnet {
    /// Queues `tx` until `nid` is connected, and wakes the connection
    /// thread.
    fn wait_for_conns(&self, nid: u64, tx: Tx) {
        let failed = {
            let mut w = self.waiting.lock();
            match w.room(nid) {
                Ok(txs) => {
                    // With the room reserved, this cannot fail.
                    let _ = txs.push(tx, GFP_KERNEL);
                    self.waiting_cv.notify_all();
                    None
                }
                Err(e) => Some((tx, e)),
            }
        };
        if let Some((tx, e)) = failed {
            tx.complete(Err(e));
        }
    }

    /// The connection thread: connects to the peers that messages wait
    /// for, one at a time, and sends them on, until LNet stops.
    pub(crate) fn connd(self: &Arc<Self>) {
        loop {
            let nid = {
                let mut w = self.waiting.lock();
                loop {
                    if w.stopped {
                        return;
                    }
                    if let Some((nid, _)) = w.peers.iter().next() {
                        break *nid;
                    }
                    // Kernel threads take no signals: this only wakes on a
                    // notification.
                    let _ = self.waiting_cv.wait_interruptible(&mut w);
                }
            };
            let res = self.connect(nid);
            if let Err(e) = res {
                warn_ratelimited(format_args!("cannot connect to {}: {e:?}", NidFmt(nid)));
            }
            let txs = self.waiting.lock().peers.remove(&nid).unwrap_or_default();
            for tx in txs {
                let len = tx.lnet_len().unwrap_or(0);
                match res.and_then(|()| self.connected(nid, len).ok_or(errno::econnreset())) {
                    Ok(conn) => conn.post(tx),
                    Err(e) => tx.complete(Err(e)),
                }
            }
        }
    }

    /// Stops the connection thread's work: the messages still waiting fail.
    /// (The caller joins the thread.)
    pub(crate) fn stop_connd(&self) {
        let mut peers = {
            let mut w = self.waiting.lock();
            w.stopped = true;
            self.waiting_cv.notify_all();
            core::mem::take(&mut w.peers)
        };
        while let Some(nid) = peers.iter().next().map(|(nid, _)| *nid) {
            for tx in peers.remove(&nid).unwrap_or_default() {
                tx.complete(Err(errno::eshutdown()));
            }
        }
    }
}
