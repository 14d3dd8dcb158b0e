//! The lock manager's server side, so far: every lock is granted at once
//! (no two clients conflict yet: conflicts and blocking callbacks come with
//! the MDT and OST data paths), and cancelled by its handle.
//!
//! A lock is known by the handle the server gives it (`lock_handle` of the
//! reply, which the client cancels by) and carries the handle the client
//! chose for it (`lock_handle[0]` of the request, which callbacks name).

use std::collections::HashMap;
use std::sync::Mutex;

use rustre_lnet::wire::codec::{ByteOrder, Fields};
use rustre_lnet::wire::lustre::errno::EPROTO;
use rustre_lnet::wire::lustre::ldlm::{LdlmLockDesc, LdlmReply, LdlmRequest, LDLM_REPLY_SIZE};
use rustre_lnet::wire::ptlrpc::format;
use rustre_ptlrpc::{Reply, Request};

/// A granted lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    /// The export (connection) that holds it.
    pub export: u64,
    /// The client's handle for it.
    pub client_handle: u64,
    /// What was granted.
    pub desc: LdlmLockDesc,
}

/// Every granted lock, by server handle.
pub struct Locks {
    table: Mutex<(HashMap<u64, Lock>, u64)>,
}

impl Locks {
    /// No locks; handles start from `seed`.
    pub fn new(seed: u64) -> Self {
        Locks {
            table: Mutex::new((HashMap::new(), seed | 1)),
        }
    }

    fn table(&self) -> std::sync::MutexGuard<'_, (HashMap<u64, Lock>, u64)> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Handles an LDLM_ENQUEUE without intent from `export`: grants the lock
    /// asked for, as asked.
    pub fn enqueue(&self, export: u64, req: &Request) -> Result<Reply, i32> {
        format::LDLM_ENQUEUE
            .request
            .check(&req.msg.msg())
            .map_err(|_| EPROTO)?;
        let dlm = LdlmRequest::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let desc = LdlmLockDesc {
            l_granted_mode: dlm.lock_desc.l_req_mode,
            ..dlm.lock_desc
        };
        let handle = {
            let mut t = self.table();
            t.1 += 2;
            let handle = t.1;
            t.0.insert(
                handle,
                Lock {
                    export,
                    client_handle: dlm.lock_handle[0],
                    desc,
                },
            );
            handle
        };
        let mut rep = vec![0u8; LDLM_REPLY_SIZE];
        LdlmReply {
            lock_desc: desc,
            lock_handle: handle,
            ..LdlmReply::default()
        }
        .encode(&mut rep)
        .map_err(|_| EPROTO)?;
        // No lock value block for plain and inode-bits locks.
        Ok(Reply::ok(vec![rep, vec![]]))
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
            if t.0.get(&h).is_some_and(|l| l.export == export) {
                t.0.remove(&h);
            }
        }
        Ok(Reply::ok(vec![]))
    }

    /// Drops every lock of `export` (it disconnected).
    pub fn drop_export(&self, export: u64) {
        self.table().0.retain(|_, l| l.export != export);
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
