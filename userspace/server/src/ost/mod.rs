//! The OSTs: objects of bytes, sparse, kept in memory or in a directory
//! (`store.rs`), and their RPCs: OST_STATFS, OST_GETATTR,
//! OST_SETATTR, OST_PUNCH, OST_SYNC, and the bulk reads and writes.
//!
//! A BRW names one or more objects (`obd_ioobj`), each with its ranges
//! (`niobuf_remote`). The data moves as bulk: for a read the OST PUTs it to
//! the client's buffers on `OST_BULK_PORTAL`, for a write it GETs it from
//! them, and replies once that is done. The client registers its buffers
//! under consecutive match bits ending at the request's XID, split as
//! `bulk_buffers` says (without `OBD_CONNECT_BULK_MBITS`, as granted here).
//!
//! Object FIDs: OST `i` numbers its objects in sequence
//! [`OST_SEQ_BASE`]` + i`, far above the sequences the MDT grants clients.

mod store;

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::codec::ByteOrder;
use rustre_lnet::wire::lustre::errno::{EINVAL, EIO, ENOENT, EOPNOTSUPP, EPROTO};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::ldlm::LdlmLockDesc;
use rustre_lnet::wire::lustre::mdt::{
    OBD_MD_FLATIME, OBD_MD_FLBLOCKS, OBD_MD_FLCTIME, OBD_MD_FLGROUP, OBD_MD_FLID, OBD_MD_FLMTIME,
    OBD_MD_FLSIZE,
};
use rustre_lnet::wire::lustre::obd::{ObdStatfs, OBD_STATFS_SIZE};
use rustre_lnet::wire::lustre::ost::{
    bulk_buffers, NiobufRemote, ObdIoobj, Obdo, OstLvb, NIOBUF_REMOTE_SIZE, OBDO_SIZE,
    OBD_IOOBJ_SIZE, OST_LVB_SIZE,
};
use rustre_lnet::wire::ptlrpc::format;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::OST_BULK_PORTAL;
use rustre_lnet::{fmt_nid, Node};
use rustre_ptlrpc::{Reply, Request};

use crate::encoded;

use store::{DirStore, MemoryStore, ObjAttr, Store};

/// The sequence of OST 0's objects.
pub const OST_SEQ_BASE: u64 = 0xf_0000_0000;

/// How long a bulk transfer may take.
const BULK_TIMEOUT: Duration = Duration::from_secs(30);

/// The most bytes of one BRW (`ocd_brw_size`).
pub const MAX_BRW: u64 = 4 << 20;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One niobuf of a BRW, with its object.
struct Range {
    object: LuFid,
    offset: u64,
    len: u32,
}

/// One OST: its objects, and the next object number.
struct Ost {
    store: Box<dyn Store>,
    next_oid: u32,
}

/// The OSTs of the server.
pub struct Osts {
    osts: Vec<Mutex<Ost>>,
    node: Node,
}

impl Osts {
    /// `count` OSTs sending bulk with `node`: empty, in memory, or kept in
    /// `data/ostNNNN` (as they were).
    ///
    /// # Errors
    /// Those of making the directories.
    pub fn new(count: u32, node: &Node, data: Option<&Path>) -> std::io::Result<Osts> {
        let mut osts = Vec::new();
        for i in 0..count {
            let store: Box<dyn Store> = match data {
                Some(d) => Box::new(DirStore::open(&d.join(format!("ost{i:04x}")))?),
                None => Box::new(MemoryStore::default()),
            };
            let next_oid = store.last_oid() + 1;
            osts.push(Mutex::new(Ost { store, next_oid }));
        }
        Ok(Osts {
            osts,
            node: node.clone(),
        })
    }

    fn ost(&self, idx: u32) -> std::sync::MutexGuard<'_, Ost> {
        self.osts[idx as usize]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// How many OSTs there are.
    pub fn count(&self) -> u32 {
        self.osts.len() as u32
    }

    /// Creates an empty object on OST `idx` (for a file's layout).
    ///
    /// # Errors
    /// The store's.
    pub fn create(&self, idx: u32) -> Result<LuFid, i32> {
        let mut ost = self.ost(idx);
        let fid = LuFid {
            seq: OST_SEQ_BASE + u64::from(idx),
            oid: ost.next_oid,
            ver: 0,
        };
        ost.next_oid += 1;
        ost.store.create(fid, now())?;
        Ok(fid)
    }

    /// Destroys object `fid` of OST `idx` (its file is gone).
    pub fn destroy(&self, idx: u32, fid: &LuFid) {
        self.ost(idx).store.destroy(fid);
    }

    /// The lock value block of an extent lock on OST `idx`: the attributes
    /// of the object that `desc`'s resource names (empty when there is no
    /// such object).
    pub fn lvb(&self, idx: u32, desc: &LdlmLockDesc) -> Vec<u8> {
        let name = desc.lr_name;
        let fid = LuFid {
            seq: name[0],
            oid: name[1] as u32,
            ver: (name[1] >> 32) as u32,
        };
        let Ok(a) = self.ost(idx).store.attr(&fid) else {
            return Vec::new();
        };
        let lvb = OstLvb {
            lvb_size: a.size,
            lvb_mtime: a.times[1],
            lvb_atime: a.times[0],
            lvb_ctime: a.times[2],
            lvb_blocks: a.blocks,
            ..OstLvb::default()
        };
        encoded(OST_LVB_SIZE, |b| lvb.encode(b))
    }

    /// Handles one request to OST `idx` (not connect, ping or disconnect).
    pub fn handle(&self, idx: u32, opc: Opcode, req: &Request) -> Result<Reply, i32> {
        match opc {
            Opcode::OstStatfs => self.statfs(idx),
            Opcode::OstGetattr | Opcode::OstSetattr | Opcode::OstPunch | Opcode::OstSync => {
                format::OST_BODY_CAPA
                    .request
                    .check(&req.msg.msg())
                    .map_err(|_| EPROTO)?;
                let oa = Obdo::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order())
                    .map_err(|_| EPROTO)?;
                let mut ost = self.ost(idx);
                let store = &mut ost.store;
                let fid = oa.o_oi;
                match opc {
                    Opcode::OstPunch => store.truncate(&fid, oa.o_size, now())?,
                    Opcode::OstSetattr => {
                        let given = |bit, v| (oa.o_valid & bit != 0).then_some(v);
                        store.set_times(
                            &fid,
                            [
                                given(OBD_MD_FLATIME, oa.o_atime),
                                given(OBD_MD_FLMTIME, oa.o_mtime),
                                given(OBD_MD_FLCTIME, oa.o_ctime),
                            ],
                        )?;
                    }
                    Opcode::OstSync => store.sync()?,
                    _ => {}
                }
                Ok(Reply::ok(vec![Self::obdo_of(fid, &store.attr(&fid)?)]))
            }
            Opcode::OstRead | Opcode::OstWrite => self.brw(idx, opc == Opcode::OstWrite, req),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn obdo_of(fid: LuFid, a: &ObjAttr) -> Vec<u8> {
        let oa = Obdo {
            o_valid: OBD_MD_FLID
                | OBD_MD_FLGROUP
                | OBD_MD_FLSIZE
                | OBD_MD_FLBLOCKS
                | OBD_MD_FLATIME
                | OBD_MD_FLMTIME
                | OBD_MD_FLCTIME,
            o_oi: fid,
            o_size: a.size,
            o_blocks: a.blocks,
            o_atime: a.times[0],
            o_mtime: a.times[1],
            o_ctime: a.times[2],
            ..Obdo::default()
        };
        encoded(OBDO_SIZE, |b| oa.encode(b))
    }

    fn statfs(&self, idx: u32) -> Result<Reply, i32> {
        let (objects, blocks) = self.ost(idx).store.usage();
        let total = 1u64 << 28;
        let used = blocks / 8;
        let mut fsid = [0u8; 40];
        fsid[..10].copy_from_slice(b"rustre-ost");
        let st = ObdStatfs {
            os_blocks: total,
            os_bfree: total - used,
            os_bavail: total - used,
            os_files: 1 << 24,
            os_ffree: (1 << 24) - objects,
            os_bsize: 4096,
            os_namelen: 255,
            os_maxbytes: u64::MAX >> 1,
            os_fsid: rustre_lnet::wire::layout::Bytes(fsid),
            ..ObdStatfs::default()
        };
        Ok(Reply::ok(vec![encoded(OBD_STATFS_SIZE, |b| st.encode(b))]))
    }

    /// The ranges of a BRW, checked: every object's niobufs there, in
    /// order, within `MAX_BRW` in all.
    fn ranges(req: &Request) -> Result<Vec<Range>, i32> {
        let order: ByteOrder = req.msg.order();
        let ioobjs = req.msg.buffer(2).unwrap_or(&[]);
        let niobufs = req.msg.buffer(3).unwrap_or(&[]);
        let mut ranges = Vec::new();
        let mut total = 0u64;
        let mut nio = niobufs.chunks_exact(NIOBUF_REMOTE_SIZE);
        for raw in ioobjs.chunks_exact(OBD_IOOBJ_SIZE) {
            let ioo = ObdIoobj::decode(raw, order).map_err(|_| EPROTO)?;
            for _ in 0..ioo.ioo_bufcnt {
                let nb =
                    NiobufRemote::decode(nio.next().ok_or(EPROTO)?, order).map_err(|_| EPROTO)?;
                total += u64::from(nb.rnb_len);
                ranges.push(Range {
                    object: ioo.ioo_oid,
                    offset: nb.rnb_offset,
                    len: nb.rnb_len,
                });
            }
        }
        if ranges.is_empty() || total > MAX_BRW || nio.next().is_some() {
            return Err(EPROTO);
        }
        Ok(ranges)
    }

    /// The match bits of the client's bulk buffers for `ranges` of a BRW
    /// with XID `xid`, and their sizes.
    fn buffers(ranges: &[Range], xid: u64) -> Result<(u64, Vec<u32>), i32> {
        let mut sizes = Vec::new();
        bulk_buffers(ranges.iter().map(|r| (r.offset, r.len)), |b| sizes.push(b));
        let first = xid.checked_sub(sizes.len() as u64 - 1).ok_or(EPROTO)?;
        Ok((first, sizes))
    }

    fn brw(&self, idx: u32, write: bool, req: &Request) -> Result<Reply, i32> {
        let fmt = if write {
            format::OST_BRW_WRITE
        } else {
            format::OST_BRW_READ
        };
        fmt.request.check(&req.msg.msg()).map_err(|_| EPROTO)?;
        let oa =
            Obdo::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order()).map_err(|_| EPROTO)?;
        let ranges = Self::ranges(req)?;
        let (first, sizes) = Self::buffers(&ranges, req.xid)?;
        if write {
            self.brw_write(idx, req, &ranges, (first, &sizes))?;
            let rcs = vec![0u8; 4 * ranges.len()];
            let obj = Obdo {
                o_valid: OBD_MD_FLID | OBD_MD_FLGROUP,
                o_oi: oa.o_oi,
                ..Obdo::default()
            };
            return Ok(Reply::ok(vec![encoded(OBDO_SIZE, |b| obj.encode(b)), rcs]));
        }
        let data = {
            let ost = self.ost(idx);
            let mut data = Vec::new();
            for r in &ranges {
                let got = ost.store.read(&r.object, r.offset, u64::from(r.len))?;
                let short = got.len() < r.len as usize;
                data.extend_from_slice(&got);
                if short {
                    // End of object: nothing after it is read.
                    break;
                }
            }
            data
        };
        let mut at = 0;
        for (i, size) in sizes.iter().enumerate() {
            let end = (at + *size as usize).min(data.len());
            let part = &data[at.min(end)..end];
            self.node
                .put_acked(
                    req.peer,
                    (OST_BULK_PORTAL, first + i as u64),
                    part,
                    BULK_TIMEOUT,
                )
                .map_err(|e| {
                    eprintln!("{}: read bulk: {e}", fmt_nid(req.peer.nid));
                    EIO
                })?;
            at += *size as usize;
        }
        let obj = Obdo {
            o_valid: OBD_MD_FLID | OBD_MD_FLGROUP,
            o_oi: oa.o_oi,
            ..Obdo::default()
        };
        Ok(Reply {
            status: data.len() as i32,
            ..Reply::ok(vec![encoded(OBDO_SIZE, |b| obj.encode(b)), vec![]])
        })
    }

    /// GETs the data of a write from the client's buffers, then writes it.
    fn brw_write(
        &self,
        idx: u32,
        req: &Request,
        ranges: &[Range],
        (first, sizes): (u64, &[u32]),
    ) -> Result<(), i32> {
        let mut data = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let part = self
                .node
                .get(
                    req.peer,
                    OST_BULK_PORTAL,
                    first + i as u64,
                    0,
                    *size,
                    BULK_TIMEOUT,
                )
                .map_err(|e| {
                    eprintln!("{}: write bulk: {e}", fmt_nid(req.peer.nid));
                    EIO
                })?;
            if part.len() != *size as usize {
                return Err(EIO);
            }
            data.extend_from_slice(&part);
        }
        let mut ost = self.ost(idx);
        if ranges.iter().any(|r| !ost.store.exists(&r.object)) {
            return Err(ENOENT);
        }
        let t = now();
        let mut at = 0;
        for r in ranges {
            let end = at + r.len as usize;
            ost.store
                .write(&r.object, r.offset, data.get(at..end).ok_or(EINVAL)?, t)?;
            at = end;
        }
        Ok(())
    }
}
