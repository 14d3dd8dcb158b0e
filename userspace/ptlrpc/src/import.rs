//! The client side: an [`Import`] is a connection to one target (an MGS,
//! MDT or OST) and sends it RPCs; a [`PortalBuffers`] takes the replies that
//! targets PUT to one of the client's reply portals and hands each to the
//! RPC waiting for its XID.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::lustre::connect_flags::OBD_CONNECT_AT;
use rustre_lnet::wire::lustre::obd::{ObdConnectData, OBD_CONNECT_DATA_SIZE};
use rustre_lnet::wire::ptlrpc::body::{PtlrpcBody, PTL_RPC_MSG_ERR, PTL_RPC_MSG_REPLY};
use rustre_lnet::wire::ptlrpc::format;
use rustre_lnet::wire::ptlrpc::msg::{MsgHeader, MSGHDR_AT_SUPPORT};
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::{LDLM_CB_REPLY_PORTAL, LDLM_CB_REQUEST_PORTAL};
use rustre_lnet::wire::ptlrpc::target::TargetKind;
use rustre_lnet::{Node, ProcessId};

use crate::buffers::PortalBuffers;
use crate::error::Error;
use crate::message::{pack, Message};
use crate::service::AT_REPLY_OFFSET;

/// `MSG_CONNECT_INITIAL` in `pb_op_flags`: a first connect.
const MSG_CONNECT_INITIAL: u32 = 0x20;

/// `MSG_RESENT` in `pb_flags`: a request sent again.
pub const MSG_RESENT: u32 = 0x2;

/// How many times a request is sent at most.
const SENDS: u32 = 3;

/// The reply size we announce (`lm_repsize`); our peers size replies
/// themselves.
const REPSIZE: u32 = 8192;

/// The XIDs one request reserves (`PTLRPC_BULK_OPS_COUNT`): a request
/// with `k` bulk buffers uses the first `k` as their match bits, and the
/// `k`-th as its own XID.
pub const XID_STEP: u64 = 128;

/// The next XID of this process, a multiple of [`XID_STEP`]. Lustre starts
/// from the time, so that a restarted client does not reuse XIDs a server
/// remembers.
fn next_xid() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_secs())
        << 20;
    let _ = NEXT.compare_exchange(0, start, Ordering::Relaxed, Ordering::Relaxed);
    NEXT.fetch_add(XID_STEP, Ordering::Relaxed)
}

/// What a connect established.
#[derive(Clone, Copy, Debug, Default)]
struct Connection {
    /// The export's handle, sent in every request.
    handle: u64,
    /// How many times we connected.
    conn_cnt: u32,
    /// The target does adaptive timeouts (replies at offset 224).
    at: bool,
}

/// A connection to one target.
pub struct Import {
    node: Node,
    target: ProcessId,
    /// The target's kind; `None` for a server's import of a client's
    /// callback service, which is never connected.
    kind: Option<TargetKind>,
    uuid: String,
    request_portal: u32,
    replies: Arc<PortalBuffers>,
    /// How long to wait for a reply, in milliseconds.
    timeout_ms: AtomicU64,
    /// Our handle for the connection, sent in the connect (the server
    /// names it in its lock callbacks).
    local_handle: u64,
    conn: Mutex<Connection>,
    /// What the last connect asked for and as whom, to connect again.
    asked: Mutex<Option<(String, ObdConnectData)>>,
}

impl Import {
    /// An import of the target `uuid` (of `kind`) at `target`, which takes
    /// requests on `request_portal` and replies to `replies`.
    pub fn new(
        node: &Node,
        target: ProcessId,
        kind: TargetKind,
        uuid: &str,
        request_portal: u32,
        replies: Arc<PortalBuffers>,
    ) -> Import {
        Import {
            node: node.clone(),
            target,
            kind: Some(kind),
            uuid: uuid.to_owned(),
            request_portal,
            replies,
            timeout_ms: AtomicU64::new(30_000),
            local_handle: next_xid() | 1,
            conn: Mutex::new(Connection::default()),
            asked: Mutex::new(None),
        }
    }

    /// A server's import of the lock callback service of a client at
    /// `client`: requests go to its `LDLM_CB_REQUEST_PORTAL` with `handle`
    /// (the one its connect gave), replies come to the server's
    /// `LDLM_CB_REPLY_PORTAL`, within `timeout`.
    pub fn callback(node: &Node, client: ProcessId, handle: u64, timeout: Duration) -> Import {
        Import {
            node: node.clone(),
            target: client,
            kind: None,
            uuid: String::new(),
            request_portal: LDLM_CB_REQUEST_PORTAL,
            replies: PortalBuffers::attach(node, LDLM_CB_REPLY_PORTAL),
            timeout_ms: AtomicU64::new(timeout.as_millis() as u64),
            local_handle: 0,
            conn: Mutex::new(Connection {
                handle,
                conn_cnt: 1,
                at: false,
            }),
            asked: Mutex::new(None),
        }
    }

    /// How long to wait for each reply.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.load(Ordering::Relaxed))
    }

    /// Waits `timeout` for each reply from now on.
    pub fn set_timeout(&self, timeout: Duration) {
        self.timeout_ms
            .store(timeout.as_millis() as u64, Ordering::Relaxed);
    }

    fn kind(&self) -> Result<TargetKind, Error> {
        self.kind
            .ok_or_else(|| Error::Protocol("a callback import does not connect".into()))
    }

    fn conn(&self) -> Connection {
        *self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends RPC `opc` with `bufs` and waits for its reply.
    ///
    /// # Errors
    /// [`Error::Status`] for an error reply or a negative status,
    /// [`Error::Timeout`], [`Error::Protocol`] for a malformed reply or
    /// one at the wrong offset, [`Error::Lnet`].
    pub fn rpc(&self, opc: Opcode, bufs: &[&[u8]]) -> Result<Message, Error> {
        self.rpc_with(
            next_xid(),
            (self.request_portal, &self.replies),
            opc,
            0,
            bufs,
        )
    }

    /// A new XID, for an RPC whose bulk buffers must be registered before
    /// it is sent ([`Import::rpc_xid`]); it and the next
    /// [`XID_STEP`]` - 1` are the request's.
    pub fn new_xid(&self) -> u64 {
        next_xid()
    }

    /// Sends RPC `opc` with XID `xid` (from [`Import::new_xid`]) to request
    /// portal `portals.0`, the reply to come to `portals.1`.
    ///
    /// # Errors
    /// As [`Import::rpc`].
    pub fn rpc_xid(
        &self,
        xid: u64,
        portals: (u32, &PortalBuffers),
        opc: Opcode,
        bufs: &[&[u8]],
    ) -> Result<Message, Error> {
        self.rpc_with(xid, portals, opc, 0, bufs)
    }

    /// Sends RPC `opc` with `bufs` on this connection to another service
    /// of the target: to request portal `portals.0`, with the reply to
    /// come to `portals.1` (as LDLM_CANCEL goes to the cancel service).
    ///
    /// # Errors
    /// As [`Import::rpc`].
    pub fn rpc_on(
        &self,
        portals: (u32, &PortalBuffers),
        opc: Opcode,
        bufs: &[&[u8]],
    ) -> Result<Message, Error> {
        self.rpc_with(next_xid(), portals, opc, 0, bufs)
    }

    fn rpc_with(
        &self,
        xid: u64,
        (request_portal, replies): (u32, &PortalBuffers),
        opc: Opcode,
        op_flags: u32,
        bufs: &[&[u8]],
    ) -> Result<Message, Error> {
        let conn = self.conn();
        let body = PtlrpcBody {
            op_flags,
            timeout: self.timeout().as_secs() as u32,
            ..PtlrpcBody::request(opc, xid, conn.handle, conn.conn_cnt)
        };
        let header = MsgHeader {
            repsize: REPSIZE,
            flags: if conn.at { MSGHDR_AT_SUPPORT } else { 0 },
            ..MsgHeader::default()
        };
        // A request that gets no reply in time is sent again, the same
        // XID flagged MSG_RESENT, so that a server that did it answers with
        // the reply it made rather than doing it twice.
        let mut got = Err(Error::Timeout);
        for attempt in 0..SENDS {
            let body = PtlrpcBody {
                flags: if attempt > 0 { MSG_RESENT } else { 0 },
                ..body
            };
            let rx = replies.expect(xid);
            let sent = self.node.put(
                self.target,
                request_portal,
                xid,
                0,
                &pack(&header, &body, bufs),
            );
            let timeout = self.timeout();
            got = sent
                .map_err(Error::from)
                .and_then(|()| rx.recv_timeout(timeout).map_err(|_| Error::Timeout));
            replies.withdraw(xid);
            if !matches!(got, Err(Error::Timeout)) {
                break;
            }
        }
        let put = got?;
        let want = if conn.at { AT_REPLY_OFFSET } else { 0 };
        if put.offset != want {
            return Err(Error::Protocol(format!(
                "reply at offset {}, not {want}",
                put.offset
            )));
        }
        let reply = Message::parse(put.payload)?;
        let b = &reply.body;
        if b.opc != opc as u32 {
            return Err(Error::Protocol(format!("reply to opcode {}", b.opc)));
        }
        match b.msg_type {
            PTL_RPC_MSG_ERR => Err(Error::Status(b.status.min(-1))),
            PTL_RPC_MSG_REPLY if b.status < 0 => Err(Error::Status(b.status)),
            PTL_RPC_MSG_REPLY => Ok(reply),
            t => Err(Error::Protocol(format!("message type {t} in a reply"))),
        }
    }

    /// Connects as client `cluuid`, asking for `ocd`; returns what the
    /// target granted.
    ///
    /// # Errors
    /// As [`Import::rpc`]; [`Error::Protocol`] when the target grants a
    /// flag we did not ask for.
    pub fn connect(&self, cluuid: &str, ocd: &ObdConnectData) -> Result<ObdConnectData, Error> {
        let mut ocd_buf = [0u8; OBD_CONNECT_DATA_SIZE];
        ocd.encode(&mut ocd_buf)?;
        let tgt = uuid_buf(&self.uuid);
        let cl = uuid_buf(cluuid);
        let kind = self.kind()?;
        let handle = self.local_handle.to_le_bytes();
        let bufs: [&[u8]; 4] = [&tgt, &cl, &handle, &ocd_buf];
        {
            let mut c = self.conn.lock().unwrap_or_else(|e| e.into_inner());
            c.conn_cnt += 1;
            // Connects go without AT: the client learns of it from the reply.
            c.at = false;
        }
        let flags = if self.conn().conn_cnt == 1 {
            MSG_CONNECT_INITIAL
        } else {
            0
        };
        let portals = (self.request_portal, &*self.replies);
        let reply = self.rpc_with(next_xid(), portals, kind.connect_opc(), flags, &bufs)?;
        format::CONNECT.reply.check(&reply.msg())?;
        let got = ObdConnectData::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
        if got.connect_flags & !ocd.connect_flags != 0
            || got.connect_flags2 & !ocd.connect_flags2 != 0
        {
            return Err(Error::Protocol(format!(
                "granted flags {:#x}/{:#x}, more than asked",
                got.connect_flags, got.connect_flags2
            )));
        }
        let mut c = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        c.handle = reply.body.handle;
        c.at = got.connect_flags & OBD_CONNECT_AT != 0;
        *self.asked.lock().unwrap_or_else(|e| e.into_inner()) = Some((cluuid.to_owned(), *ocd));
        Ok(got)
    }

    /// Connects again as the last connect did (after an eviction or a
    /// server restart).
    ///
    /// # Errors
    /// As [`Import::connect`]; [`Error::Protocol`] before any connect.
    pub fn reconnect(&self) -> Result<(), Error> {
        let asked = self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let (cluuid, ocd) = asked.ok_or_else(|| Error::Protocol("never connected".into()))?;
        self.connect(&cluuid, &ocd).map(drop)
    }

    /// Pings the target (OBD_PING).
    ///
    /// # Errors
    /// As [`Import::rpc`].
    pub fn ping(&self) -> Result<(), Error> {
        self.rpc(Opcode::ObdPing, &[]).map(drop)
    }

    /// Disconnects from the target.
    ///
    /// # Errors
    /// As [`Import::rpc`].
    pub fn disconnect(&self) -> Result<(), Error> {
        self.rpc(self.kind()?.disconnect_opc(), &[])?;
        let mut c = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        c.handle = 0;
        c.at = false;
        Ok(())
    }
}

/// A UUID buffer of a connect request: the name, NUL-padded to 39 bytes
/// (`sizeof(struct obd_uuid) - 1`), as Lustre's clients send it.
fn uuid_buf(uuid: &str) -> Vec<u8> {
    let mut b = uuid.as_bytes().to_vec();
    b.truncate(38);
    b.resize(39, 0);
    b
}
