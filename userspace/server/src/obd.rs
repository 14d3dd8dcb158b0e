//! Connections of clients to targets (Lustre's `obd_export`s): connect,
//! reconnect, disconnect, and which requests belong to which connection.
//!
//! A connect names the target by UUID and the client by its own UUID. The
//! server answers with the export's handle, which the client sends in every
//! later request, and with the connect flags it grants: those the client
//! asked for among those the target implements, never more. A client that
//! connects again (same UUID, same target) gets its export back, flagged as
//! a reconnect.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustre_lnet::wire::codec::Fields;
use rustre_lnet::wire::lustre::errno::{ENODEV, ENOTCONN, EPROTO};
use rustre_lnet::wire::lustre::obd::{ObdConnectData, OBD_CONNECT_DATA_SIZE};
use rustre_lnet::wire::ptlrpc::format;
use rustre_lnet::{fmt_nid, ProcessId};
use rustre_ptlrpc::{Reply, Request, TargetKind};

use crate::target::Target;

/// `MSG_CONNECT_RECONNECT` in a connect reply's `pb_op_flags`.
const MSG_CONNECT_RECONNECT: u32 = 0x2;

/// The Lustre version we announce in `ocd_version`: 2.15.0.
const SERVER_VERSION: u32 = 0x020f_0000;

/// One client's connection to one target.
#[derive(Clone, Debug)]
pub struct Export {
    /// The target, by index in the server's list.
    pub target: usize,
    /// The client's UUID.
    pub client: String,
    /// The client's process.
    pub peer: ProcessId,
    /// The client's handle for the connection, which lock callbacks name.
    pub client_handle: u64,
    /// The connect flags granted.
    pub flags: u64,
    /// When the client was last heard from on this connection.
    pub last_seen: Instant,
}

/// Every export, by handle.
pub struct Exports {
    by_handle: Mutex<HashMap<u64, Export>>,
    /// The next handle: from the start time, so that a client of a
    /// restarted server does not find its old handle valid.
    next: Mutex<u64>,
}

impl Exports {
    /// No exports; handles start from `seed`.
    pub fn new(seed: u64) -> Self {
        Exports {
            by_handle: Mutex::new(HashMap::new()),
            next: Mutex::new(seed | 1),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Export>> {
        self.by_handle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The export of a request: its handle, from the same node.
    ///
    /// # Errors
    /// `ENOTCONN` when there is none.
    pub fn of(&self, req: &Request) -> Result<Export, i32> {
        match self.map().get_mut(&req.msg.body.handle) {
            Some(e) if e.peer.nid == req.peer.nid => {
                e.last_seen = Instant::now();
                Ok(e.clone())
            }
            _ => Err(ENOTCONN),
        }
    }

    /// The handles of the exports whose clients have not been heard from
    /// for `idle`.
    pub fn idle(&self, idle: Duration) -> Vec<u64> {
        self.map()
            .iter()
            .filter(|(_, e)| e.last_seen.elapsed() > idle)
            .map(|(h, _)| *h)
            .collect()
    }

    /// Handles a connect to one of `targets`.
    pub fn connect(&self, targets: &[Target], kind: TargetKind, req: &Request) -> Reply {
        match self.try_connect(targets, kind, req) {
            Ok(r) => r,
            Err(errno) => Reply::err(errno),
        }
    }

    fn try_connect(
        &self,
        targets: &[Target],
        kind: TargetKind,
        req: &Request,
    ) -> Result<Reply, i32> {
        let msg = req.msg.msg();
        let peer = fmt_nid(req.peer.nid);
        format::CONNECT.request.check(&msg).map_err(|e| {
            eprintln!("{peer}: malformed connect: {e}");
            EPROTO
        })?;
        let text = |i| {
            let b = req.msg.buffer(i).unwrap_or(&[]);
            let end = b.iter().position(|c| *c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(&b[..end]).into_owned()
        };
        let (tgt_uuid, client) = (text(1), text(2));
        let ocd = ObdConnectData::decode(req.msg.buffer(4).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let client_handle = Fields::new(
            "lustre_handle",
            req.msg.buffer(3).unwrap_or(&[]),
            8,
            req.msg.order(),
        )
        .and_then(|f| f.u64(0))
        .map_err(|_| EPROTO)?;
        let Some(t) = targets
            .iter()
            .position(|t| t.kind == kind && t.uuid() == tgt_uuid)
        else {
            eprintln!("{peer}: connect to {tgt_uuid}, which is not served here");
            return Err(ENODEV);
        };
        let target = &targets[t];
        let flags = ocd.connect_flags & target.connect_flags();
        let export = Export {
            target: t,
            client: client.clone(),
            peer: req.peer,
            client_handle,
            flags,
            last_seen: Instant::now(),
        };
        let (handle, reconnect) = {
            let mut map = self.map();
            let old = map
                .iter()
                .find(|(_, e)| e.target == t && e.client == client)
                .map(|(h, _)| *h);
            let handle = old.unwrap_or_else(|| {
                let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
                *next += 2;
                *next
            });
            map.insert(handle, export);
            (handle, old.is_some())
        };
        eprintln!(
            "{peer}: {client} {} {} (flags {flags:#x})",
            if reconnect {
                "reconnected to"
            } else {
                "connected to"
            },
            target.name
        );
        let granted = ObdConnectData {
            connect_flags: flags,
            version: SERVER_VERSION,
            index: target.index,
            ..ObdConnectData::default()
        };
        let mut buf = vec![0u8; OBD_CONNECT_DATA_SIZE];
        granted.encode(&mut buf).map_err(|_| EPROTO)?;
        Ok(Reply {
            handle,
            op_flags: if reconnect { MSG_CONNECT_RECONNECT } else { 0 },
            ..Reply::ok(vec![buf])
        })
    }

    /// The export of `handle`, if it is still there.
    pub fn get(&self, handle: u64) -> Option<Export> {
        self.map().get(&handle).cloned()
    }

    /// The handles of every export.
    pub fn all(&self) -> Vec<u64> {
        self.map().keys().copied().collect()
    }

    /// The handles of the exports of client `uuid`.
    pub fn of_client(&self, uuid: &str) -> Vec<u64> {
        self.map()
            .iter()
            .filter(|(_, e)| e.client == uuid)
            .map(|(h, _)| *h)
            .collect()
    }

    /// Evicts the export of `handle` (its client stopped answering): its
    /// requests get `-ENOTCONN` until it connects again.
    pub fn evict(&self, handle: u64, targets: &[Target], why: &str) {
        if let Some(e) = self.map().remove(&handle) {
            eprintln!(
                "{}: evicting {} from {}: {why}",
                fmt_nid(e.peer.nid),
                e.client,
                targets[e.target].name
            );
        }
    }

    /// Handles a disconnect of `export`.
    pub fn disconnect(&self, targets: &[Target], req: &Request, export: &Export) -> Reply {
        self.map().remove(&req.msg.body.handle);
        eprintln!(
            "{}: {} disconnected from {}",
            fmt_nid(req.peer.nid),
            export.client,
            targets[export.target].name
        );
        Reply::ok(vec![])
    }
}
