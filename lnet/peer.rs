// SPDX-License-Identifier: GPL-2.0

//! The connection table (socklnd's peers and their `ksock_conn`s): every
//! established connection with its receiving thread, and the connections
//! whose thread has ended, waiting to be joined.
//!
//! A connection's thread, when it ends, moves the connection's entry from
//! `conns` to `dead` (moving a tree node allocates nothing, so this cannot
//! fail); whoever adds a connection next, or the shutdown, joins the dead
//! threads outside the table's lock.

use kernel::rbtree::RBTree;
use kernel::sync::Arc;

use crate::kthread::KThread;
use crate::socklnd::conn::Conn;
use crate::wire::socklnd::hello::ConnType;

/// Messages (header included) of this size and over go on a bulk
/// connection (socklnd's `min_bulk`).
const MIN_BULK: usize = 1024;

/// A connection and its receiving thread.
pub(crate) struct ConnEntry {
    /// The connection.
    pub conn: Arc<Conn>,
    /// Its receiving thread (which joins its sending thread); `None`
    /// only while it is being started.
    pub thread: Option<KThread>,
}

/// The connections, by a unique id.
#[derive(Default)]
pub(crate) struct ConnTable {
    /// The live connections.
    pub conns: RBTree<u64, ConnEntry>,
    /// The connections whose thread has ended.
    pub dead: RBTree<u64, ConnEntry>,
    /// The id of the next connection.
    pub next_id: u64,
}

impl ConnTable {
    /// The connection to send a message of `size` bytes to `nid` on: a
    /// control connection for small messages, a bulk-out one for large ones,
    /// else an untyped one, else any.
    pub(crate) fn pick(&self, nid: u64, size: usize) -> Option<Arc<Conn>> {
        let want = if size < MIN_BULK {
            ConnType::Control
        } else {
            ConnType::BulkOut
        };
        let mut best: Option<&Arc<Conn>> = None;
        for e in self.conns.values().filter(|e| e.conn.info.peer_nid == nid) {
            let rank = |c: &Conn| match c.info.conn_type {
                t if t == want => 0,
                ConnType::Any => 1,
                _ => 2,
            };
            if best.map_or(true, |b| rank(&e.conn) < rank(b)) {
                best = Some(&e.conn);
            }
        }
        best.cloned()
    }

    /// Shuts down the connections of `nid` from another incarnation than
    /// `incarnation` (the peer restarted); their threads then end.
    pub(crate) fn close_stale(&self, nid: u64, incarnation: u64) {
        for e in self.conns.values() {
            let i = &e.conn.info;
            if i.peer_nid == nid && i.peer_incarnation != incarnation {
                e.conn.sock.shutdown();
            }
        }
    }

    /// Moves connection `id`, whose thread is ending, to `dead`.
    pub(crate) fn bury(&mut self, id: u64) {
        if let Some(node) = self.conns.remove_node(&id) {
            self.dead.insert(node);
        }
    }

    /// Takes the dead connections, to be joined outside the lock.
    pub(crate) fn take_dead(&mut self) -> RBTree<u64, ConnEntry> {
        core::mem::take(&mut self.dead)
    }
}
