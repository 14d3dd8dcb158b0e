//! The server side: a [`Service`] on a request portal.
//!
//! The portal's receiving side only queues what clients PUT; worker
//! threads parse each request, run it through the service's [`Handler`] and
//! PUT the reply back, so that a slow request never holds up a connection's
//! receiving thread or another client.
//!
//! The reply goes to the service's reply portal of the process that sent
//! the request, with the request's XID as match bits, and at offset 224
//! (`lustre_msg_early_size`, room for an early reply) when the request says
//! the client does adaptive timeouts, as Lustre's clients check.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;

use rustre_lnet::wire::ptlrpc::body::{
    PtlrpcBody, PTL_RPC_MSG_ERR, PTL_RPC_MSG_REPLY, PTL_RPC_MSG_REQUEST,
};
use rustre_lnet::wire::ptlrpc::msg::{MsgHeader, MSGHDR_AT_SUPPORT};
use rustre_lnet::{IncomingPut, Node, Portal, ProcessId};

use crate::message::{pack, Message};

/// Where a final reply lands when the client does adaptive timeouts: after
/// the room for an early reply (a one-buffer message with a v3 body).
pub const AT_REPLY_OFFSET: u32 = 224;

/// A request, parsed.
#[derive(Debug)]
pub struct Request {
    /// Who sent it.
    pub peer: ProcessId,
    /// Its XID (the match bits of its PUT).
    pub xid: u64,
    /// The message.
    pub msg: Message,
}

/// What a handler answers.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    /// `pb_status`: 0, a negative errno, or an LDLM code.
    pub status: i32,
    /// An error reply (`PTL_RPC_MSG_ERR`): the request was not processed.
    pub error: bool,
    /// `pb_handle` (the export's handle, in a connect reply).
    pub handle: u64,
    /// `pb_op_flags` (connect replies).
    pub op_flags: u32,
    /// `pb_transno` of a modifying request.
    pub transno: u64,
    /// `pb_last_committed`.
    pub last_committed: u64,
    /// The buffers after the body.
    pub bufs: Vec<Vec<u8>>,
    /// Break the reply this way before it goes (fault injection).
    pub corrupt: Option<Corruption>,
}

/// Ways to break a reply, each one that the wire crate rejects: for
/// testing clients against a misbehaving server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// A wrong `lm_magic`.
    Magic,
    /// No buffers at all (`lm_bufcount` 0).
    Bufcount,
    /// A buffer length past the end of the message.
    Buflen,
    /// The message cut short in the middle of its buffers.
    Truncate,
    /// A `ptlrpc_body` shorter than the smallest one.
    Body,
}

impl Corruption {
    /// Every kind.
    pub const ALL: [Corruption; 5] = [
        Corruption::Magic,
        Corruption::Bufcount,
        Corruption::Buflen,
        Corruption::Truncate,
        Corruption::Body,
    ];

    /// Breaks the message `m` (a packed `lustre_msg_v2`, little-endian).
    fn apply(self, m: &mut Vec<u8>) {
        let put = |m: &mut Vec<u8>, at: usize, v: u32| {
            if let Some(b) = m.get_mut(at..at + 4) {
                b.copy_from_slice(&v.to_le_bytes());
            }
        };
        match self {
            Corruption::Magic => put(m, 8, 0xdead_beef),
            Corruption::Bufcount => put(m, 0, 0),
            Corruption::Buflen => put(m, 32, 1 << 30),
            Corruption::Truncate => m.truncate(m.len() / 2),
            Corruption::Body => put(m, 32, 16),
        }
    }
}

impl std::str::FromStr for Corruption {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "magic" => Corruption::Magic,
            "bufcount" => Corruption::Bufcount,
            "buflen" => Corruption::Buflen,
            "truncate" => Corruption::Truncate,
            "body" => Corruption::Body,
            _ => {
                return Err(format!(
                    "'{s}' is not magic, bufcount, buflen, truncate or body"
                ))
            }
        })
    }
}

impl Reply {
    /// An error reply with status `-errno`.
    pub fn err(errno: i32) -> Reply {
        Reply {
            status: -errno,
            error: true,
            ..Reply::default()
        }
    }

    /// A successful reply with `bufs`.
    pub fn ok(bufs: Vec<Vec<u8>>) -> Reply {
        Reply {
            bufs,
            ..Reply::default()
        }
    }
}

/// What a service does with its requests. Runs on the service's worker
/// threads, several at once.
pub trait Handler: Send + Sync {
    /// Handles `req`; `None` sends no reply (the request is dropped).
    fn handle(&self, req: &Request) -> Option<Reply>;
}

/// A ptlrpc service: a request portal, a reply portal, worker threads.
pub struct Service {
    name: &'static str,
}

/// The request portal's side: queues PUTs for the workers.
struct Queue {
    tx: Mutex<Sender<IncomingPut>>,
}

impl Portal for Queue {
    fn put(&self, put: IncomingPut) -> Option<u32> {
        let len = u32::try_from(put.payload.len()).ok()?;
        let tx = self.tx.lock().unwrap_or_else(|e| e.into_inner());
        tx.send(put).ok().map(|()| len)
    }

    fn get(&self, _: ProcessId, _: u64, _: u32, _: u32) -> Option<Vec<u8>> {
        None
    }
}

impl Service {
    /// Starts service `name` on `node`: `threads` workers handle what
    /// clients PUT to `request_portal` and reply on `reply_portal`.
    pub fn start(
        node: &Node,
        name: &'static str,
        (request_portal, reply_portal): (u32, u32),
        threads: usize,
        handler: Arc<dyn Handler>,
    ) -> Service {
        let (tx, rx) = mpsc::channel();
        node.attach_portal(request_portal, Arc::new(Queue { tx: Mutex::new(tx) }));
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..threads.max(1) {
            let worker = Worker {
                name,
                node: node.clone(),
                reply_portal,
                handler: handler.clone(),
            };
            let rx = rx.clone();
            thread::spawn(move || worker.run(&rx));
        }
        Service { name }
    }

    /// The service's name.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// One worker thread of a service.
struct Worker {
    name: &'static str,
    node: Node,
    reply_portal: u32,
    handler: Arc<dyn Handler>,
}

impl Worker {
    /// Handles requests until the node shuts down (the queue closes).
    fn run(&self, rx: &Mutex<Receiver<IncomingPut>>) {
        loop {
            let put = {
                let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
                match rx.recv() {
                    Ok(p) => p,
                    Err(_) => return,
                }
            };
            self.serve(put);
        }
    }

    /// Parses, handles and answers one request.
    fn serve(&self, put: IncomingPut) {
        let peer = put.src;
        let xid = put.match_bits;
        let msg = match Message::parse(put.payload) {
            Ok(m) if m.body.msg_type == PTL_RPC_MSG_REQUEST => m,
            Ok(m) => {
                self.log(
                    peer,
                    format_args!("x{xid}: message type {}, not a request", m.body.msg_type),
                );
                return;
            }
            Err(e) => {
                self.log(peer, format_args!("x{xid}: malformed request: {e}"));
                return;
            }
        };
        let req = Request { peer, xid, msg };
        let Some(reply) = self.handler.handle(&req) else {
            return;
        };
        let body = PtlrpcBody {
            handle: reply.handle,
            msg_type: if reply.error {
                PTL_RPC_MSG_ERR
            } else {
                PTL_RPC_MSG_REPLY
            },
            version: req.msg.body.version,
            opc: req.msg.body.opc,
            status: reply.status,
            last_committed: reply.last_committed,
            transno: reply.transno,
            op_flags: reply.op_flags,
            conn_cnt: req.msg.body.conn_cnt,
            ..PtlrpcBody::default()
        };
        let bufs: Vec<&[u8]> = reply.bufs.iter().map(Vec::as_slice).collect();
        let mut bytes = pack(&MsgHeader::default(), &body, &bufs);
        if let Some(c) = reply.corrupt {
            c.apply(&mut bytes);
        }
        let offset = if req.msg.header().flags & MSGHDR_AT_SUPPORT != 0 {
            AT_REPLY_OFFSET
        } else {
            0
        };
        if let Err(e) = self.node.put(peer, self.reply_portal, xid, offset, &bytes) {
            self.log(peer, format_args!("x{xid}: cannot send the reply: {e}"));
        }
    }

    fn log(&self, peer: ProcessId, args: std::fmt::Arguments<'_>) {
        eprintln!("{}: {}: {args}", self.name, rustre_lnet::fmt_nid(peer.nid));
    }
}
