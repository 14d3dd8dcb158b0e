//! The peer table: the established connections to each peer NID, and the
//! choice of connection for a message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use wire::socklnd::hello::ConnType;

use crate::conn::Conn;

/// Messages (header included) of this size and over go on a bulk connection
/// (socklnd's `min_bulk`).
const MIN_BULK: usize = 1024;

/// The connections of every peer, by NID.
#[derive(Default)]
pub(crate) struct Peers {
    map: Mutex<HashMap<u64, Vec<Arc<Conn>>>>,
}

impl Peers {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Vec<Arc<Conn>>>> {
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a connection. A peer whose incarnation changed has restarted:
    /// its older connections are returned, for the caller to close.
    pub fn add(&self, conn: Arc<Conn>) -> Vec<Arc<Conn>> {
        let mut map = self.lock();
        let conns = map.entry(conn.peer_nid).or_default();
        let (stale, kept) = conns
            .drain(..)
            .partition(|c| c.peer_incarnation != conn.peer_incarnation);
        *conns = kept;
        conns.push(conn);
        stale
    }

    /// Forgets a connection that has ended.
    pub fn remove(&self, conn: &Arc<Conn>) {
        let mut map = self.lock();
        if let Some(conns) = map.get_mut(&conn.peer_nid) {
            conns.retain(|c| !Arc::ptr_eq(c, conn));
            if conns.is_empty() {
                map.remove(&conn.peer_nid);
            }
        }
    }

    /// The connection to send a message of `size` bytes to `nid` on: a
    /// control connection for small messages, a bulk-out one for large ones,
    /// else an untyped one, else any.
    pub fn pick(&self, nid: u64, size: usize) -> Option<Arc<Conn>> {
        let map = self.lock();
        let conns = map.get(&nid)?;
        let want = if size < MIN_BULK {
            ConnType::Control
        } else {
            ConnType::BulkOut
        };
        [want, ConnType::Any]
            .iter()
            .find_map(|t| conns.iter().find(|c| c.conn_type == *t))
            .or_else(|| conns.first())
            .cloned()
    }

    /// Removes the connections of `nid` and returns them, for the caller to
    /// close.
    pub fn take(&self, nid: u64) -> Vec<Arc<Conn>> {
        self.lock().remove(&nid).unwrap_or_default()
    }

    /// Removes every connection and returns them, for the caller to close.
    pub fn take_all(&self) -> Vec<Arc<Conn>> {
        self.lock().drain().flat_map(|(_, c)| c).collect()
    }
}
