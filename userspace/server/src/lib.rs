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

mod obd;
mod target;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::lnet::RUSTRE_ECHO_PORTAL;
use rustre_lnet::wire::lustre::errno::{EINVAL, ENOTCONN, EOPNOTSUPP};
use rustre_lnet::wire::ptlrpc::body::PTLRPC_MSG_VERSION;
use rustre_lnet::wire::ptlrpc::opcode::{Opcode, Service as OpService};
use rustre_lnet::wire::ptlrpc::portal::{
    MDC_REPLY_PORTAL, MDS_REQUEST_PORTAL, MGC_REPLY_PORTAL, MGS_REQUEST_PORTAL, OSC_REPLY_PORTAL,
    OST_REQUEST_PORTAL,
};
use rustre_lnet::{fmt_nid, EchoPortal, Node};
use rustre_ptlrpc::{Handler, Reply, Request, Service, TargetKind};

pub use obd::{Export, Exports};
pub use target::{targets, Target};

/// The most bytes the echo service keeps.
const ECHO_LIMIT: usize = 256 << 20;

/// Worker threads per service.
const THREADS: usize = 4;

/// How the server is set up.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Its LNet node.
    pub lnet: rustre_lnet::Config,
    /// The file system's name.
    pub fsname: String,
    /// How many OSTs it has.
    pub osts: u32,
}

/// What the services share.
struct State {
    targets: Vec<Target>,
    exports: Exports,
}

/// A running server.
pub struct Server {
    node: Node,
    _services: Vec<Service>,
}

impl Server {
    /// Starts the server: its LNet node and its services.
    ///
    /// # Errors
    /// The LNet node's (binding the listening socket).
    pub fn start(config: ServerConfig) -> Result<Server, rustre_lnet::Error> {
        let node = Node::start(config.lnet)?;
        node.attach_portal(RUSTRE_ECHO_PORTAL, Arc::new(EchoPortal::new(ECHO_LIMIT)));
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let state = Arc::new(State {
            targets: targets(&config.fsname, config.osts),
            exports: Exports::new(seed),
        });
        let services = [
            (
                "mgs",
                TargetKind::Mgs,
                (MGS_REQUEST_PORTAL, MGC_REPLY_PORTAL),
            ),
            (
                "mdt",
                TargetKind::Mdt,
                (MDS_REQUEST_PORTAL, MDC_REPLY_PORTAL),
            ),
            (
                "ost",
                TargetKind::Ost,
                (OST_REQUEST_PORTAL, OSC_REPLY_PORTAL),
            ),
        ]
        .into_iter()
        .map(|(name, kind, portals)| {
            let dispatch = Arc::new(Dispatch {
                kind,
                state: state.clone(),
            });
            Service::start(&node, name, portals, THREADS, dispatch)
        })
        .collect();
        Ok(Server {
            node,
            _services: services,
        })
    }

    /// The server's LNet node.
    pub fn node(&self) -> &Node {
        &self.node
    }

    /// Stops serving: closes every connection.
    pub fn shutdown(&self) {
        self.node.shutdown();
    }
}

/// The requests to one kind of target.
struct Dispatch {
    kind: TargetKind,
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
        match opc {
            Opcode::MgsConnect | Opcode::MdsConnect | Opcode::OstConnect => {
                return Ok(s.exports.connect(&s.targets, self.kind, req));
            }
            _ => {}
        }
        let export = s.exports.of(req)?;
        if s.targets[export.target].kind != self.kind {
            return Err(ENOTCONN);
        }
        match opc {
            Opcode::ObdPing => Ok(Reply::ok(vec![])),
            Opcode::MgsDisconnect | Opcode::MdsDisconnect | Opcode::OstDisconnect => {
                Ok(s.exports.disconnect(&s.targets, req, &export))
            }
            _ => Err(EOPNOTSUPP),
        }
    }
}

impl Handler for Dispatch {
    fn handle(&self, req: &Request) -> Option<Reply> {
        Some(self.dispatch(req).unwrap_or_else(|errno| {
            eprintln!(
                "{}: x{}: opcode {}: error {}",
                fmt_nid(req.peer.nid),
                req.xid,
                req.msg.body.opc,
                -errno
            );
            Reply::err(errno)
        }))
    }
}
