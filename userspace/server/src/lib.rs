//! `rustre-server`: a whole Lustre file system (MGS, one MDT, OSTs) served
//! by one userspace process over the real wire protocol.
//!
//! The server is an LNet node ([`rustre_lnet`]) with a ptlrpc [`Service`]
//! on each request portal a Lustre client sends to (the MGS's, the MDT's,
//! the OSTs'); every service hands its requests to the [`Dispatch`] of its
//! kind of target, which checks the request's version and connection and
//! runs it. So far the targets take connects, reconnects, pings and
//! disconnects (`obd.rs`); every other opcode is answered with
//! `-EOPNOTSUPP`. The server also runs the LNet echo service that
//! `test_lnet.ko` uses.

mod faults;
mod ldlm;
mod llog;
mod mdt;
mod mgs;
mod obd;
mod ost;
mod target;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::lnet::RUSTRE_ECHO_PORTAL;
use rustre_lnet::wire::lustre::errno::{EINVAL, ENOTCONN, EOPNOTSUPP};
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::ptlrpc::body::PTLRPC_MSG_VERSION;
use rustre_lnet::wire::ptlrpc::opcode::{Opcode, Service as OpService};
use rustre_lnet::wire::ptlrpc::portal::{
    LDLM_CANCEL_REPLY_PORTAL, LDLM_CANCEL_REQUEST_PORTAL, MDC_REPLY_PORTAL, MDS_IO_PORTAL,
    MDS_READPAGE_PORTAL, MDS_REQUEST_PORTAL, MGC_REPLY_PORTAL, MGS_REQUEST_PORTAL,
    OSC_REPLY_PORTAL, OST_CREATE_PORTAL, OST_IO_PORTAL, OST_REQUEST_PORTAL, SEQ_METADATA_PORTAL,
};
use rustre_lnet::{fmt_nid, EchoPortal, Node};
use rustre_ptlrpc::{Handler, Reply, Request, Service, TargetKind, MSG_RESENT};

use ldlm::Locks;
use mdt::Mdt;
use mgs::Mgs;
use ost::Osts;

pub use faults::{Action, Faults, Rule};
pub use obd::{Export, Exports};
pub use target::{targets, Target};

/// A wire structure of `size` bytes, encoded by `f`.
///
/// # Panics
/// When `f` fails, which it does only for a buffer smaller than `size`.
fn encoded(
    size: usize,
    f: impl FnOnce(&mut [u8]) -> Result<(), rustre_lnet::wire::error::WireError>,
) -> Vec<u8> {
    let mut b = vec![0u8; size];
    f(&mut b).expect("sized for the structure");
    b
}

/// The most bytes the echo service keeps.
const ECHO_LIMIT: usize = 256 << 20;

/// Worker threads per service.
const THREADS: usize = 4;

/// The services: name, the kind of target they serve (`None`: any),
/// request and reply portals.
const SERVICES: &[(&str, Option<TargetKind>, (u32, u32))] = &[
    (
        "mgs",
        Some(TargetKind::Mgs),
        (MGS_REQUEST_PORTAL, MGC_REPLY_PORTAL),
    ),
    (
        "mdt",
        Some(TargetKind::Mdt),
        (MDS_REQUEST_PORTAL, MDC_REPLY_PORTAL),
    ),
    (
        "mdt_readpage",
        Some(TargetKind::Mdt),
        (MDS_READPAGE_PORTAL, MDC_REPLY_PORTAL),
    ),
    (
        "mdt_io",
        Some(TargetKind::Mdt),
        (MDS_IO_PORTAL, MDC_REPLY_PORTAL),
    ),
    (
        "mdt_seqm",
        Some(TargetKind::Mdt),
        (SEQ_METADATA_PORTAL, MDC_REPLY_PORTAL),
    ),
    (
        "ost",
        Some(TargetKind::Ost),
        (OST_REQUEST_PORTAL, OSC_REPLY_PORTAL),
    ),
    (
        "ost_io",
        Some(TargetKind::Ost),
        (OST_IO_PORTAL, OSC_REPLY_PORTAL),
    ),
    (
        "ost_create",
        Some(TargetKind::Ost),
        (OST_CREATE_PORTAL, OSC_REPLY_PORTAL),
    ),
    (
        "ldlm_canceld",
        None,
        (LDLM_CANCEL_REQUEST_PORTAL, LDLM_CANCEL_REPLY_PORTAL),
    ),
];

/// How the server is set up.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Its LNet node.
    pub lnet: rustre_lnet::Config,
    /// The file system's name.
    pub fsname: String,
    /// How many OSTs it has.
    pub osts: u32,
    /// How long a client has to give back a lock another one wants
    /// before it is evicted.
    pub lock_timeout: std::time::Duration,
    /// Faults to inject from the start.
    pub faults: Vec<Rule>,
    /// Where the file system is kept (`None`: in memory only).
    pub data: Option<std::path::PathBuf>,
    /// How long a client may go unheard (it pings every 25 s) before it
    /// is evicted.
    pub idle_timeout: std::time::Duration,
}

/// What the services share.
struct State {
    targets: Vec<Target>,
    exports: Exports,
    locks: Locks,
    mgs: Mgs,
    mdt: Mdt,
    osts: Arc<Osts>,
    faults: Arc<Faults>,
    node: Node,
    stopping: AtomicBool,
    /// The last reply of a modifying request, by export, with its XID: a
    /// resent request gets it again rather than being done twice.
    replies: Mutex<HashMap<u64, (u64, Reply)>>,
}

/// A running server.
pub struct Server {
    node: Node,
    state: Arc<State>,
    _services: Vec<Service>,
}

impl Server {
    /// Starts the server: its LNet node and its services.
    ///
    /// # Errors
    /// The LNet node's (binding the listening socket).
    pub fn start(config: ServerConfig) -> Result<Server, rustre_lnet::Error> {
        let nid = config.lnet.nid;
        let node = Node::start(config.lnet)?;
        node.attach_portal(RUSTRE_ECHO_PORTAL, Arc::new(EchoPortal::new(ECHO_LIMIT)));
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let targets = targets(&config.fsname, config.osts);
        let data = config.data.as_deref();
        let osts = Arc::new(Osts::new(config.osts, &node, data)?);
        let state = Arc::new(State {
            mgs: Mgs::new(&config.fsname, nid, &targets),
            targets,
            exports: Exports::new(seed),
            locks: Locks::new(seed, &node, config.lock_timeout),
            mdt: Mdt::new(&node, osts.clone(), data)?,
            osts,
            faults: Arc::new(Faults::default()),
            node: node.clone(),
            stopping: AtomicBool::new(false),
            replies: Mutex::new(HashMap::new()),
        });
        for rule in &config.faults {
            state.faults.add(*rule);
        }
        let services = SERVICES
            .iter()
            .map(|&(name, kind, portals)| {
                let dispatch = Arc::new(Dispatch {
                    kind,
                    state: state.clone(),
                });
                Service::start(&node, name, portals, THREADS, dispatch)
            })
            .collect();
        let reaper = state.clone();
        let idle = config.idle_timeout;
        thread::spawn(move || reaper.evict_idle(idle));
        Ok(Server {
            node,
            state,
            _services: services,
        })
    }

    /// The server's LNet node.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// The fault injection rules.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Runs one command of the control socket: `fault RULE`, `clear`
    /// (every fault rule), `evict UUID` or `restart`; returns what it did.
    ///
    /// # Errors
    /// A text that says what is wrong with the command.
    pub fn control(&self, line: &str) -> Result<String, String> {
        let (cmd, arg) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        match cmd {
            "fault" => {
                self.faults().add(arg.parse()?);
                Ok(format!("fault {arg} added"))
            }
            "clear" => {
                self.faults().clear();
                Ok("faults cleared".into())
            }
            "evict" if !arg.is_empty() => Ok(format!("{} exports evicted", self.evict(arg))),
            "restart" => Ok(format!("restarted: {} exports forgotten", self.restart())),
            _ => Err(format!(
                "unknown command '{}': fault RULE, clear, evict UUID, restart",
                line.trim()
            )),
        }
    }

    /// Restarts keeping the file system: every connection closed, every
    /// export and lock forgotten, as after a server restart (clients must
    /// connect again). Returns how many exports there were.
    pub fn restart(&self) -> usize {
        let s = &self.state;
        let handles = s.exports.all();
        for h in &handles {
            s.exports.evict(*h, &s.targets, "server restart");
            s.locks.drop_export(*h);
        }
        s.replies.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.node.close_all();
        handles.len()
    }

    /// Evicts client `uuid` from every target.
    pub fn evict(&self, uuid: &str) -> usize {
        let s = &self.state;
        let handles = s.exports.of_client(uuid);
        for h in &handles {
            s.exports
                .evict(*h, &s.targets, "evicted by the administrator");
            s.locks.drop_export(*h);
        }
        handles.len()
    }

    /// Stops serving: closes every connection.
    pub fn shutdown(&self) {
        self.state.stopping.store(true, Ordering::Relaxed);
        self.node.shutdown();
    }
}

impl State {
    /// Evicts, every second until the server stops, the clients not heard
    /// from for `idle`.
    fn evict_idle(&self, idle: std::time::Duration) {
        while !self.stopping.load(Ordering::Relaxed) {
            thread::sleep(std::time::Duration::from_secs(1));
            for h in self.exports.idle(idle) {
                self.exports.evict(h, &self.targets, "not heard from");
                self.locks.drop_export(h);
            }
        }
    }
}

/// The requests to one kind of target (or, for the lock cancel service,
/// to any).
struct Dispatch {
    kind: Option<TargetKind>,
    state: Arc<State>,
}

impl Dispatch {
    fn dispatch(&self, req: &Request) -> Result<Reply, i32> {
        let body = &req.msg.body;
        let opc = Opcode::from_wire(body.opc).ok_or(EOPNOTSUPP)?;
        let service: OpService = opc.service();
        if body.version != PTLRPC_MSG_VERSION | service.version_bits() {
            return Err(EINVAL);
        }
        let s = &self.state;
        if let (Some(kind), Opcode::MgsConnect | Opcode::MdsConnect | Opcode::OstConnect) =
            (self.kind, opc)
        {
            return Ok(s.exports.connect(&s.targets, kind, req));
        }
        let export = s.exports.of(req)?;
        let kind = s.targets[export.target].kind;
        if self.kind.is_some_and(|k| k != kind) {
            return Err(ENOTCONN);
        }
        let handle = req.msg.body.handle;
        let lock_ctx = (&s.exports, s.targets.as_slice());
        match (self.kind, opc) {
            (None, Opcode::LdlmCancel) => s.locks.cancel(handle, req),
            (None, _) => Err(EOPNOTSUPP),
            (_, Opcode::ObdPing) => Ok(Reply::ok(vec![])),
            (_, Opcode::MgsDisconnect | Opcode::MdsDisconnect | Opcode::OstDisconnect) => {
                s.locks.drop_export(handle);
                Ok(s.exports.disconnect(&s.targets, req, &export))
            }
            (Some(TargetKind::Mgs), Opcode::LdlmEnqueue) => {
                s.locks
                    .enqueue((handle, &export), req, lock_ctx, |_| Vec::new())
            }
            (Some(TargetKind::Mgs), Opcode::LlogOriginHandleCreate) => s.mgs.open(req),
            (Some(TargetKind::Mgs), Opcode::LlogOriginHandleReadHeader) => s.mgs.read_header(req),
            (Some(TargetKind::Mgs), Opcode::LlogOriginHandleNextBlock) => s.mgs.next_block(req),
            (Some(TargetKind::Mdt), Opcode::LdlmEnqueue) => {
                s.mdt.enqueue((handle, &export), req, &s.locks, lock_ctx)
            }
            (Some(TargetKind::Mdt), _) => s.mdt.handle(opc, req),
            (Some(TargetKind::Ost), Opcode::LdlmEnqueue) => {
                let index = s.targets[export.target].index;
                let lvb = |desc: &_| s.osts.lvb(index, desc);
                s.locks.enqueue((handle, &export), req, lock_ctx, lvb)
            }
            (Some(TargetKind::Ost), _) => {
                let index = s.targets[export.target].index;
                s.osts.handle(index, opc, req)
            }
            _ => Err(EOPNOTSUPP),
        }
    }
}

/// Whether `opc` changes state, so that its reply is kept for a resend.
fn modifies(opc: u32) -> bool {
    matches!(
        Opcode::from_wire(opc),
        Some(
            Opcode::MdsReint
                | Opcode::MdsClose
                | Opcode::LdlmEnqueue
                | Opcode::OstWrite
                | Opcode::OstPunch
                | Opcode::OstSetattr
        )
    )
}

impl Dispatch {
    /// The reply to `req`, or an error reply.
    fn reply(&self, req: &Request) -> Reply {
        self.dispatch(req).unwrap_or_else(|errno| {
            eprintln!(
                "{}: x{}: opcode {}: error {}",
                fmt_nid(req.peer.nid),
                req.xid,
                req.msg.body.opc,
                -errno
            );
            Reply::err(errno)
        })
    }
}

impl Handler for Dispatch {
    fn handle(&self, req: &Request) -> Option<Reply> {
        let s = &self.state;
        let body = &req.msg.body;
        let kept = || s.replies.lock().unwrap_or_else(|e| e.into_inner());
        if body.flags & MSG_RESENT != 0 {
            if let Some((xid, reply)) = kept().get(&body.handle) {
                if *xid == req.xid {
                    return Some(reply.clone());
                }
            }
        }
        let action = s.faults.check(body.opc);
        match action {
            Some(Action::Error(errno)) => return Some(Reply::err(errno)),
            Some(Action::Cut) => {
                if let Ok(nid) = Nid::from_u64(req.peer.nid) {
                    s.node.close_peer(nid);
                }
                return None;
            }
            Some(Action::Evict) => {
                s.exports.evict(body.handle, &s.targets, "fault injection");
                s.locks.drop_export(body.handle);
                return Some(Reply::err(ENOTCONN));
            }
            _ => {}
        }
        let reply = self.reply(req);
        if body.handle != 0 && modifies(body.opc) {
            kept().insert(body.handle, (req.xid, reply.clone()));
        }
        match action {
            Some(Action::Drop) => None,
            Some(Action::Delay(d)) => {
                std::thread::sleep(d);
                Some(reply)
            }
            Some(Action::Malformed(c)) => Some(Reply {
                corrupt: Some(c),
                ..reply
            }),
            _ => Some(reply),
        }
    }
}
