//! The OSC: a client's connection to an OST, and the object operations over
//! it: bulk reads and writes, getattr, punch (truncate), statfs.
//!
//! A BRW's data moves in bulk buffers the client registers on
//! `OST_BULK_PORTAL` before sending the request: split as the wire crate's
//! `bulk_buffers` says, under consecutive match bits from the request's
//! first reserved XID, the request itself taking the last of them as its
//! XID (the rule without `OBD_CONNECT_BULK_MBITS`).

use std::sync::Arc;
use std::time::Duration;

use crate::connected::Connected;
use rustre_lnet::wire::lnet::LNET_PID_LUSTRE;
use rustre_lnet::wire::lustre::connect_flags::{
    OBD_CONNECT_AT, OBD_CONNECT_FULL20, OBD_CONNECT_VERSION,
};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::ldlm::{res_id_of_fid, LdlmLockDesc, LockMode, LDLM_EXTENT};
use rustre_lnet::wire::lustre::mdt::{OBD_MD_FLGROUP, OBD_MD_FLID, OBD_MD_FLSIZE};
use rustre_lnet::wire::lustre::obd::{ObdConnectData, ObdStatfs};
use rustre_lnet::wire::lustre::ost::{
    bulk_buffers, NiobufRemote, ObdIoobj, Obdo, NIOBUF_REMOTE_SIZE, OBDO_SIZE, OBD_BRW_READ,
    OBD_BRW_WRITE, OBD_IOOBJ_SIZE,
};
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::{
    OSC_REPLY_PORTAL, OST_BULK_PORTAL, OST_CREATE_PORTAL, OST_IO_PORTAL, OST_REQUEST_PORTAL,
};
use rustre_lnet::{Node, ProcessId};
use rustre_ptlrpc::{Error, Import, Message, PortalBuffers, TargetKind, XID_STEP};

use crate::ldlm::{ClientLocks, Granted};

/// The most bytes of one BRW we send (`ocd_brw_size` without
/// `OBD_CONNECT_BRW_SIZE`).
pub const MAX_BRW: u64 = 1 << 20;

/// How long to wait for bulk data.
const BULK_TIMEOUT: Duration = Duration::from_secs(30);

/// The Lustre version we announce: 2.15.0.
const CLIENT_VERSION: u32 = 0x020f_0000;

/// A connection to an OST.
pub struct Osc {
    imp: Arc<Import>,
    replies: Arc<PortalBuffers>,
    bulk: Arc<PortalBuffers>,
}

fn obdo(oa: &Obdo) -> Vec<u8> {
    let mut b = vec![0u8; OBDO_SIZE];
    oa.encode(&mut b).expect("sized above");
    b
}

fn object(fid: LuFid) -> Obdo {
    Obdo {
        o_valid: OBD_MD_FLID | OBD_MD_FLGROUP,
        o_oi: fid,
        ..Obdo::default()
    }
}

impl Osc {
    /// Connects `node` to the OST `uuid` at `nid` as client `cluuid`.
    ///
    /// # Errors
    /// What the connect gives.
    pub fn connect(node: &Node, nid: Nid, uuid: &str, cluuid: &str) -> Result<Osc, Error> {
        let target = ProcessId {
            nid: nid.as_u64(),
            pid: LNET_PID_LUSTRE,
        };
        let replies = PortalBuffers::attach(node, OSC_REPLY_PORTAL);
        let bulk = PortalBuffers::attach(node, OST_BULK_PORTAL);
        let imp = Import::new(
            node,
            target,
            TargetKind::Ost,
            uuid,
            OST_REQUEST_PORTAL,
            replies.clone(),
        );
        let ocd = ObdConnectData {
            connect_flags: OBD_CONNECT_VERSION | OBD_CONNECT_AT | OBD_CONNECT_FULL20,
            version: CLIENT_VERSION,
            ..ObdConnectData::default()
        };
        imp.connect(cluuid, &ocd)?;
        Ok(Osc {
            imp: Arc::new(imp),
            replies,
            bulk,
        })
    }

    fn reply_obdo(reply: &Message) -> Result<Obdo, Error> {
        Ok(Obdo::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?)
    }

    /// Takes an extent lock in `mode` on bytes `start..=end` of object
    /// `fid` (`u64::MAX`: to the end), waiting while other clients give
    /// back conflicting locks.
    ///
    /// # Errors
    /// What the OST answers.
    pub fn lock(
        &self,
        locks: &ClientLocks,
        fid: LuFid,
        mode: LockMode,
        (start, end): (u64, u64),
    ) -> Result<Granted, Error> {
        let desc = LdlmLockDesc {
            lr_type: LDLM_EXTENT,
            lr_name: res_id_of_fid(&fid),
            l_req_mode: mode.to_wire(),
            l_policy_data: [start, end, 0, 0],
            ..LdlmLockDesc::default()
        };
        locks.enqueue(&self.imp, desc)
    }

    /// The OST's statistics (OST_STATFS, to its create portal).
    ///
    /// # Errors
    /// RPC errors.
    pub fn statfs(&self) -> Result<ObdStatfs, Error> {
        let reply = self
            .imp
            .rpc_on((OST_CREATE_PORTAL, &*self.replies), Opcode::OstStatfs, &[])?;
        Ok(ObdStatfs::decode(
            reply.buffer(1).unwrap_or(&[]),
            reply.order(),
        )?)
    }

    /// The attributes of object `fid` (its size in `o_size`).
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)`, RPC errors.
    pub fn getattr(&self, fid: LuFid) -> Result<Obdo, Error> {
        let reply = self
            .imp
            .rpc(Opcode::OstGetattr, &[&obdo(&object(fid)), &[]])?;
        Self::reply_obdo(&reply)
    }

    /// Truncates (or extends) object `fid` to `size` bytes (OST_PUNCH).
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)`, RPC errors.
    pub fn punch(&self, fid: LuFid, size: u64) -> Result<(), Error> {
        let oa = Obdo {
            o_valid: OBD_MD_FLID | OBD_MD_FLGROUP | OBD_MD_FLSIZE,
            o_size: size,
            o_blocks: u64::MAX,
            ..object(fid)
        };
        let portals = (OST_IO_PORTAL, &*self.replies);
        self.imp
            .rpc_on(portals, Opcode::OstPunch, &[&obdo(&oa), &[]])
            .map(drop)
    }

    /// The request buffers of a BRW of `len` bytes at `offset` of `fid`,
    /// and the sizes of its bulk buffers.
    fn brw_request(fid: LuFid, offset: u64, len: u32, flags: u32) -> (Vec<Vec<u8>>, Vec<u32>) {
        let mut sizes = Vec::new();
        bulk_buffers([(offset, len)], |b| sizes.push(b));
        let mut ioo = vec![0u8; OBD_IOOBJ_SIZE];
        ObdIoobj {
            ioo_oid: fid,
            ioo_max_brw: (sizes.len() as u32 - 1) << 16,
            ioo_bufcnt: 1,
        }
        .encode(&mut ioo)
        .expect("sized above");
        let mut nio = vec![0u8; NIOBUF_REMOTE_SIZE];
        NiobufRemote {
            rnb_offset: offset,
            rnb_len: len,
            rnb_flags: flags,
        }
        .encode(&mut nio)
        .expect("sized above");
        (vec![obdo(&object(fid)), ioo, nio, vec![]], sizes)
    }

    /// Writes `data` (at most [`MAX_BRW`] bytes) at `offset` of object
    /// `fid`.
    ///
    /// # Errors
    /// `Error::Status` from the OST, RPC errors.
    pub fn write(&self, fid: LuFid, offset: u64, data: &[u8]) -> Result<(), Error> {
        let len =
            u32::try_from(data.len()).map_err(|_| Error::Protocol("a write over 4 GiB".into()))?;
        let (bufs, sizes) = Self::brw_request(fid, offset, len, OBD_BRW_WRITE);
        let first = self.imp.new_xid();
        let mut at = 0;
        for (i, size) in sizes.iter().enumerate() {
            let end = at + *size as usize;
            self.bulk.offer(first + i as u64, data[at..end].to_vec());
            at = end;
        }
        let bufs: Vec<&[u8]> = bufs.iter().map(Vec::as_slice).collect();
        let xid = first + sizes.len() as u64 - 1;
        debug_assert!((sizes.len() as u64) < XID_STEP);
        let sent = self
            .imp
            .rpc_xid(xid, (OST_IO_PORTAL, &self.replies), Opcode::OstWrite, &bufs);
        for i in 0..sizes.len() as u64 {
            self.bulk.withdraw(first + i);
        }
        sent.map(drop)
    }

    /// Reads up to `len` bytes (at most [`MAX_BRW`]) at `offset` of object
    /// `fid`: fewer at the end of the object.
    ///
    /// # Errors
    /// `Error::Status` from the OST, [`Error::Protocol`] when the data
    /// sent is not what the reply says, RPC errors.
    pub fn read(&self, fid: LuFid, offset: u64, len: u32) -> Result<Vec<u8>, Error> {
        let (bufs, sizes) = Self::brw_request(fid, offset, len, OBD_BRW_READ);
        let first = self.imp.new_xid();
        let sinks: Vec<_> = (0..sizes.len() as u64)
            .map(|i| self.bulk.expect(first + i))
            .collect();
        let bufs: Vec<&[u8]> = bufs.iter().map(Vec::as_slice).collect();
        let xid = first + sizes.len() as u64 - 1;
        let sent = self
            .imp
            .rpc_xid(xid, (OST_IO_PORTAL, &self.replies), Opcode::OstRead, &bufs);
        for i in 0..sizes.len() as u64 {
            self.bulk.withdraw(first + i);
        }
        let reply = sent?;
        let mut data = Vec::new();
        // The OST PUTs every buffer (empty past the end) before replying.
        for sink in sinks {
            let put = sink
                .recv_timeout(BULK_TIMEOUT)
                .map_err(|_| Error::Timeout)?;
            data.extend_from_slice(&put.payload);
        }
        if data.len() as u64 != u64::try_from(reply.body.status).unwrap_or(u64::MAX) {
            return Err(Error::Protocol(format!(
                "{} bytes of bulk, {} in the reply",
                data.len(),
                reply.body.status
            )));
        }
        Ok(data)
    }
}

impl Connected for Osc {
    fn import(&self) -> &Import {
        &self.imp
    }
}
