//! The lock manager's server side: locks on resources of each target,
//! granted when nothing conflicts, else after the holders of the
//! conflicting locks have given them back.
//!
//! A lock is known by the handle the server gives it (`lock_handle` of the
//! reply, which the client cancels by) and carries the handle the client
//! chose for it (`lock_handle[0]` of the request, which callbacks name).
//!
//! An enqueue that conflicts sends each holder of a conflicting lock one
//! blocking callback (LDLM_BL_CALLBACK to the client's callback portal,
//! naming its lock and the lock wanted), then waits until they are
//! cancelled; a holder that does not cancel within the lock timeout is
//! evicted (its locks dropped, its connection forgotten), as Lustre does.
//! The enqueue is answered once the lock is granted, so no completion
//! callback is needed.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use rustre_lnet::wire::codec::{ByteOrder, Fields};
use rustre_lnet::wire::lustre::errno::EPROTO;
use rustre_lnet::wire::lustre::ldlm::{
    LdlmLockDesc, LdlmReply, LdlmRequest, LDLM_REPLY_SIZE, LDLM_REQUEST_SIZE,
};
use rustre_lnet::wire::ptlrpc::format;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::{fmt_nid, Node};
use rustre_ptlrpc::{Import, Reply, Request};

use crate::obd::{Export, Exports};
use crate::target::Target;

/// A lock.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Lock {
    /// The target whose resource it locks (index in the server's list).
    target: usize,
    /// The export (connection) that holds or wants it.
    export: u64,
    /// The client's handle for it.
    client_handle: u64,
    /// What it locks, and how.
    desc: LdlmLockDesc,
    granted: bool,
    /// A blocking callback was sent for it.
    called_back: bool,
}

/// Every lock, by server handle, and the next handle.
struct Table {
    locks: HashMap<u64, Lock>,
    next: u64,
}

/// The lock manager.
pub struct Locks {
    table: Mutex<Table>,
    /// Signalled when a lock goes.
    released: Condvar,
    node: Node,
    timeout: Duration,
}

impl Locks {
    /// No locks; handles start from `seed`; callbacks go out with `node`,
    /// and a holder has `timeout` to give a lock back.
    pub fn new(seed: u64, node: &Node, timeout: Duration) -> Self {
        Locks {
            table: Mutex::new(Table {
                locks: HashMap::new(),
                next: seed | 1,
            }),
            released: Condvar::new(),
            node: node.clone(),
            timeout,
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Handles an LDLM_ENQUEUE from `export` (of handle `handle`) for a
    /// resource of target `target`: grants the lock as asked once nothing
    /// conflicts. `lvb` is the lock value block of the reply (an OST
    /// object's attributes; empty for metadata locks).
    pub fn enqueue(
        &self,
        (handle, export): (u64, &Export),
        req: &Request,
        (exports, targets): (&Exports, &[Target]),
        lvb: impl FnOnce(&LdlmLockDesc) -> Vec<u8>,
    ) -> Result<Reply, i32> {
        format::LDLM_ENQUEUE
            .request
            .check(&req.msg.msg())
            .map_err(|_| EPROTO)?;
        let dlm = LdlmRequest::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let desc = LdlmLockDesc {
            l_granted_mode: 0,
            ..dlm.lock_desc
        };
        let lock_handle = {
            let mut t = self.table();
            t.next += 2;
            let h = t.next;
            let lock = Lock {
                target: export.target,
                export: handle,
                client_handle: dlm.lock_handle[0],
                desc,
                granted: false,
                called_back: false,
            };
            t.locks.insert(h, lock);
            h
        };
        let granted = self.wait_for_grant(lock_handle, exports, targets);
        let Some(desc) = granted else {
            // Its own export was evicted meanwhile.
            return Err(rustre_lnet::wire::lustre::errno::ENOTCONN);
        };
        let mut rep = vec![0u8; LDLM_REPLY_SIZE];
        LdlmReply {
            lock_desc: desc,
            lock_handle,
            ..LdlmReply::default()
        }
        .encode(&mut rep)
        .map_err(|_| EPROTO)?;
        Ok(Reply::ok(vec![rep, lvb(&desc)]))
    }

    /// Waits until lock `h` can be granted, calling back and at last
    /// evicting the holders of conflicting locks; returns what was granted,
    /// or `None` when the lock is gone.
    fn wait_for_grant(
        &self,
        h: u64,
        exports: &Exports,
        targets: &[Target],
    ) -> Option<LdlmLockDesc> {
        let deadline = Instant::now() + self.timeout;
        let mut t = self.table();
        loop {
            let me = t.locks.get(&h)?.clone();
            let blocking: Vec<u64> = t
                .locks
                .iter()
                .filter(|(k, l)| {
                    **k != h && l.granted && l.target == me.target && l.desc.conflicts(&me.desc)
                })
                .map(|(k, _)| *k)
                .collect();
            if blocking.is_empty() {
                let lock = t.locks.get_mut(&h)?;
                lock.granted = true;
                lock.desc.l_granted_mode = lock.desc.l_req_mode;
                return Some(lock.desc);
            }
            let mut calls = Vec::new();
            for k in &blocking {
                if let Some(l) = t.locks.get_mut(k).filter(|l| !l.called_back) {
                    l.called_back = true;
                    calls.push((l.export, l.client_handle));
                }
            }
            if !calls.is_empty() {
                drop(t);
                for (export_handle, client_handle) in calls {
                    self.call_back(export_handle, client_handle, &me.desc, exports);
                }
                t = self.table();
                continue;
            }
            let now = Instant::now();
            if now >= deadline {
                let holders: Vec<u64> = blocking
                    .iter()
                    .filter_map(|k| t.locks.get(k).map(|l| l.export))
                    .collect();
                drop(t);
                for export in holders {
                    exports.evict(export, targets, "lock callback timer expired");
                    self.drop_export(export);
                }
                t = self.table();
                continue;
            }
            t = self
                .released
                .wait_timeout(t, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Sends the holder of a lock (its export `export_handle`, its handle
    /// `client_handle`) a blocking callback for `wanted`. A client that
    /// cannot be reached is left to the lock timeout.
    fn call_back(
        &self,
        export_handle: u64,
        client_handle: u64,
        wanted: &LdlmLockDesc,
        exports: &Exports,
    ) {
        let Some(export) = exports.get(export_handle) else {
            return;
        };
        let mut body = vec![0u8; LDLM_REQUEST_SIZE];
        let encoded = LdlmRequest {
            lock_count: 1,
            lock_desc: *wanted,
            lock_handle: [client_handle, 0],
            ..LdlmRequest::default()
        }
        .encode(&mut body);
        if encoded.is_err() {
            return;
        }
        let imp = Import::callback(&self.node, export.peer, export.client_handle, self.timeout);
        if let Err(e) = imp.rpc(Opcode::LdlmBlCallback, &[&body]) {
            eprintln!(
                "{}: blocking callback to {}: {e}",
                fmt_nid(export.peer.nid),
                export.client
            );
        }
    }

    /// Handles an LDLM_CANCEL from `export`: drops the locks it names that
    /// it holds (`lock_count` handles, which must all be in the buffer).
    pub fn cancel(&self, export: u64, req: &Request) -> Result<Reply, i32> {
        format::LDLM_CANCEL
            .request
            .check(&req.msg.msg())
            .map_err(|_| EPROTO)?;
        let buf = req.msg.buffer(1).unwrap_or(&[]);
        let dlm = LdlmRequest::decode(buf, req.msg.order()).map_err(|_| EPROTO)?;
        let handles = handles(buf, dlm.lock_count, req.msg.order()).ok_or(EPROTO)?;
        let mut t = self.table();
        for h in handles {
            if t.locks.get(&h).is_some_and(|l| l.export == export) {
                t.locks.remove(&h);
            }
        }
        self.released.notify_all();
        Ok(Reply::ok(vec![]))
    }

    /// Drops every lock of `export` (it disconnected or was evicted).
    pub fn drop_export(&self, export: u64) {
        self.table().locks.retain(|_, l| l.export != export);
        self.released.notify_all();
    }
}

/// Where the lock handles of an `ldlm_request` start.
const LOCK_HANDLES: usize = 88;

/// The `count` lock handles of an `ldlm_request` in `buf` (8 bytes each),
/// or `None` when they are not all there.
fn handles(buf: &[u8], count: u32, order: ByteOrder) -> Option<Vec<u64>> {
    let end = LOCK_HANDLES.checked_add(8usize.checked_mul(count as usize)?)?;
    let f = Fields::new("ldlm_request", buf, end, order).ok()?;
    (0..count as usize)
        .map(|i| f.u64(LOCK_HANDLES + 8 * i).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_handles_that_are_there() {
        let mut buf = vec![0u8; 104];
        buf[88..96].copy_from_slice(&7u64.to_le_bytes());
        buf[96..104].copy_from_slice(&9u64.to_le_bytes());
        assert_eq!(handles(&buf, 2, ByteOrder::Little), Some(vec![7, 9]));
        assert_eq!(handles(&buf, 0, ByteOrder::Little), Some(vec![]));
        assert_eq!(handles(&buf, 3, ByteOrder::Little), None);
        assert_eq!(handles(&buf, u32::MAX, ByteOrder::Little), None);
    }
}
