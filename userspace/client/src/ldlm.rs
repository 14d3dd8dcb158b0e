//! The client's locks ([`ClientLocks`]): enqueued on a target, held until
//! cancelled, and given back when the server asks. The client serves
//! `LDLM_CB_REQUEST_PORTAL`: a blocking callback names one of its locks
//! (by the handle the client chose for it); the client answers at once,
//! then cancels the lock with LDLM_CANCEL to the target's cancel service,
//! as a Lustre client does once it has flushed what the lock covered.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use rustre_lnet::wire::lustre::errno::{EOPNOTSUPP, EPROTO};
use rustre_lnet::wire::lustre::ldlm::{LdlmLockDesc, LdlmReply, LdlmRequest, LDLM_REQUEST_SIZE};
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::{
    LDLM_CANCEL_REPLY_PORTAL, LDLM_CANCEL_REQUEST_PORTAL, LDLM_CB_REPLY_PORTAL,
    LDLM_CB_REQUEST_PORTAL,
};
use rustre_lnet::Node;
use rustre_ptlrpc::{Error, Handler, Import, PortalBuffers, Reply, Request, Service};

/// A lock the client holds.
struct Held {
    /// The server's handle for it.
    server_handle: u64,
    /// The connection it was taken on.
    import: Arc<Import>,
}

/// The lock table, shared with the callback service.
struct Table {
    held: Mutex<HashMap<u64, Held>>,
    next: AtomicU64,
    callbacks: AtomicU64,
    cancel_replies: Arc<PortalBuffers>,
}

impl Table {
    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Held>> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives lock `handle` back to its server.
    fn cancel(&self, handle: u64) -> Result<(), Error> {
        let Some(held) = self.held().remove(&handle) else {
            return Ok(());
        };
        let mut req = vec![0u8; LDLM_REQUEST_SIZE];
        LdlmRequest {
            lock_count: 1,
            lock_handle: [held.server_handle, 0],
            ..LdlmRequest::default()
        }
        .encode(&mut req)?;
        let portals = (LDLM_CANCEL_REQUEST_PORTAL, &*self.cancel_replies);
        held.import
            .rpc_on(portals, Opcode::LdlmCancel, &[&req])
            .map(drop)
    }
}

/// The callback service's handler.
struct Callbacks(Arc<Table>);

impl Handler for Callbacks {
    fn handle(&self, req: &Request) -> Option<Reply> {
        if req.msg.body.opc != Opcode::LdlmBlCallback as u32 {
            return Some(Reply::err(EOPNOTSUPP));
        }
        let Ok(dlm) = LdlmRequest::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order()) else {
            return Some(Reply::err(EPROTO));
        };
        self.0.callbacks.fetch_add(1, Ordering::Relaxed);
        // Answer now, give the lock back after: the server waits for the
        // cancel, not for this reply.
        let (table, handle) = (self.0.clone(), dlm.lock_handle[0]);
        thread::spawn(move || {
            if let Err(e) = table.cancel(handle) {
                eprintln!("ldlm: cancel of lock {handle:#x}: {e}");
            }
        });
        Some(Reply::ok(vec![]))
    }
}

/// A granted lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Granted {
    /// The client's handle for it (to cancel it by).
    pub handle: u64,
    /// What was granted.
    pub desc: LdlmLockDesc,
    /// The lock value block (an OST object's attributes).
    pub lvb: Vec<u8>,
}

/// The locks of one client node.
pub struct ClientLocks {
    table: Arc<Table>,
    _callbacks: Service,
}

impl ClientLocks {
    /// The lock table of `node`, and its callback service.
    pub fn start(node: &Node) -> ClientLocks {
        let table = Arc::new(Table {
            held: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            callbacks: AtomicU64::new(0),
            cancel_replies: PortalBuffers::attach(node, LDLM_CANCEL_REPLY_PORTAL),
        });
        let portals = (LDLM_CB_REQUEST_PORTAL, LDLM_CB_REPLY_PORTAL);
        let service = Service::start(
            node,
            "ldlm_cbd",
            portals,
            2,
            Arc::new(Callbacks(table.clone())),
        );
        ClientLocks {
            table,
            _callbacks: service,
        }
    }

    /// Enqueues a lock `desc` (resource, mode, policy) on the target of
    /// `import` and waits until it is granted.
    ///
    /// # Errors
    /// What the target answers.
    pub fn enqueue(&self, import: &Arc<Import>, desc: LdlmLockDesc) -> Result<Granted, Error> {
        let handle = self.table.next.fetch_add(1, Ordering::Relaxed);
        let mut req = vec![0u8; LDLM_REQUEST_SIZE];
        LdlmRequest {
            lock_desc: desc,
            lock_handle: [handle, 0],
            ..LdlmRequest::default()
        }
        .encode(&mut req)?;
        let reply = import.rpc(Opcode::LdlmEnqueue, &[&req])?;
        let rep = LdlmReply::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
        self.table.held().insert(
            handle,
            Held {
                server_handle: rep.lock_handle,
                import: import.clone(),
            },
        );
        Ok(Granted {
            handle,
            desc: rep.lock_desc,
            lvb: reply.buffer(2).unwrap_or(&[]).to_vec(),
        })
    }

    /// Cancels lock `handle`.
    ///
    /// # Errors
    /// What the target answers.
    pub fn cancel(&self, handle: u64) -> Result<(), Error> {
        self.table.cancel(handle)
    }

    /// How many blocking callbacks servers have sent.
    pub fn blocking_callbacks(&self) -> u64 {
        self.table.callbacks.load(Ordering::Relaxed)
    }

    /// How many locks are held.
    pub fn held(&self) -> usize {
        self.table.held().len()
    }
}
