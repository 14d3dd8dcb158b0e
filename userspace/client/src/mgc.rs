//! The MGC: a client's connection to the MGS, the configuration lock, and
//! reading configuration logs (LLOG_ORIGIN_HANDLE_CREATE, READ_HEADER,
//! then NEXT_BLOCK until `-EBADR`).

use std::sync::Arc;

use crate::connected::Connected;
use rustre_lnet::wire::lnet::LNET_PID_LUSTRE;
use rustre_lnet::wire::lustre::connect_flags::{
    OBD_CONNECT_AT, OBD_CONNECT_FULL20, OBD_CONNECT_VERSION,
};
use rustre_lnet::wire::lustre::errno::EBADR;
use rustre_lnet::wire::lustre::ldlm::{
    LdlmLockDesc, LdlmReply, LdlmRequest, LockMode, LDLM_PLAIN, LDLM_REQUEST_SIZE,
};
use rustre_lnet::wire::lustre::llog::LlogHeader;
use rustre_lnet::wire::lustre::llog_read::LlogCursor;
use rustre_lnet::wire::lustre::mgs::{LlogdBody, LLOGD_BODY_SIZE};
use rustre_lnet::wire::lustre::obd::ObdConnectData;
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::{
    LDLM_CANCEL_REPLY_PORTAL, LDLM_CANCEL_REQUEST_PORTAL, MGC_REPLY_PORTAL, MGS_REQUEST_PORTAL,
};
use rustre_lnet::{Node, ProcessId};
use rustre_ptlrpc::{Error, Import, Message, PortalBuffers, TargetKind};

/// The Lustre version we announce: 2.15.0.
const CLIENT_VERSION: u32 = 0x020f_0000;

/// A connection to the MGS.
pub struct Mgc {
    imp: Import,
    cancel_replies: Arc<PortalBuffers>,
}

/// The name of the MGS lock resource of a log: the file system name's
/// bytes as a little-endian u64 (the part before the last `-`).
fn resource(log: &str) -> [u64; 4] {
    let fsname = log.rsplit_once('-').map_or(log, |(fs, _)| fs);
    let mut b = [0u8; 8];
    let n = fsname.len().min(8);
    b[..n].copy_from_slice(&fsname.as_bytes()[..n]);
    [u64::from_le_bytes(b), 0, 0, 0]
}

fn llogd(body: &LlogdBody) -> Vec<u8> {
    let mut b = vec![0u8; LLOGD_BODY_SIZE];
    body.encode(&mut b).expect("sized above");
    b
}

fn reply_llogd(reply: &Message) -> Result<LlogdBody, Error> {
    Ok(LlogdBody::decode(
        reply.buffer(1).unwrap_or(&[]),
        reply.order(),
    )?)
}

impl Mgc {
    /// Connects `node` to the MGS at `mgs` as client `cluuid`.
    ///
    /// # Errors
    /// What the connect RPC gives.
    pub fn connect(node: &Node, mgs: Nid, cluuid: &str) -> Result<Mgc, Error> {
        let target = ProcessId {
            nid: mgs.as_u64(),
            pid: LNET_PID_LUSTRE,
        };
        let replies = PortalBuffers::attach(node, MGC_REPLY_PORTAL);
        let cancel_replies = PortalBuffers::attach(node, LDLM_CANCEL_REPLY_PORTAL);
        let imp = Import::new(
            node,
            target,
            TargetKind::Mgs,
            "MGS",
            MGS_REQUEST_PORTAL,
            replies,
        );
        let ocd = ObdConnectData {
            connect_flags: OBD_CONNECT_VERSION | OBD_CONNECT_AT | OBD_CONNECT_FULL20,
            version: CLIENT_VERSION,
            ..ObdConnectData::default()
        };
        imp.connect(cluuid, &ocd)?;
        Ok(Mgc {
            imp,
            cancel_replies,
        })
    }

    /// Takes the configuration lock of `log` (PLAIN, CR), as a client does
    /// before reading it; returns the server's handle of the lock.
    ///
    /// # Errors
    /// What the enqueue gives.
    pub fn lock(&self, log: &str) -> Result<u64, Error> {
        let mut req = vec![0u8; LDLM_REQUEST_SIZE];
        LdlmRequest {
            lock_desc: LdlmLockDesc {
                lr_type: LDLM_PLAIN,
                lr_name: resource(log),
                l_req_mode: LockMode::Cr.to_wire(),
                ..LdlmLockDesc::default()
            },
            lock_handle: [0x10c4, 0],
            ..LdlmRequest::default()
        }
        .encode(&mut req)?;
        let reply = self.imp.rpc(Opcode::LdlmEnqueue, &[&req])?;
        let rep = LdlmReply::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
        if rep.lock_desc.l_granted_mode != LockMode::Cr.to_wire() {
            return Err(Error::Protocol(format!(
                "lock granted in mode {}",
                rep.lock_desc.l_granted_mode
            )));
        }
        Ok(rep.lock_handle)
    }

    /// Cancels the lock of server handle `handle` (LDLM_CANCEL).
    ///
    /// # Errors
    /// What the cancel gives.
    pub fn cancel(&self, handle: u64) -> Result<(), Error> {
        let mut req = vec![0u8; LDLM_REQUEST_SIZE];
        LdlmRequest {
            lock_count: 1,
            lock_handle: [handle, 0],
            ..LdlmRequest::default()
        }
        .encode(&mut req)?;
        let portals = (LDLM_CANCEL_REQUEST_PORTAL, &*self.cancel_replies);
        self.imp
            .rpc_on(portals, Opcode::LdlmCancel, &[&req])
            .map(drop)
    }

    /// Reads the log `name`: the bodies of its live configuration records,
    /// in order.
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)` for a log that does not exist; RPC errors;
    /// [`Error::Protocol`] for a malformed header or chunk.
    pub fn read_log(&self, name: &str) -> Result<Vec<Vec<u8>>, Error> {
        let mut name_buf = name.as_bytes().to_vec();
        name_buf.push(0);
        let open = llogd(&LlogdBody::default());
        let reply = self
            .imp
            .rpc(Opcode::LlogOriginHandleCreate, &[&open, &name_buf])?;
        let log = reply_llogd(&reply)?;
        let reply = self
            .imp
            .rpc(Opcode::LlogOriginHandleReadHeader, &[&llogd(&log)])?;
        let header = LlogHeader::decode(reply.buffer(1).unwrap_or(&[]))?;
        let mut cursor = LlogCursor::new(log, header);
        let mut records = Vec::new();
        while let Some(req) = cursor.next_request() {
            let reply = match self
                .imp
                .rpc(Opcode::LlogOriginHandleNextBlock, &[&llogd(&req)])
            {
                Err(Error::Status(s)) if s == -EBADR => break,
                r => r?,
            };
            let body = reply_llogd(&reply)?;
            cursor.chunk(&body, reply.buffer(2).unwrap_or(&[]), |rec| {
                records.push(rec.to_vec());
                Ok::<_, Error>(())
            })?;
        }
        Ok(records)
    }
}

impl Connected for Mgc {
    fn import(&self) -> &Import {
        &self.imp
    }
}
