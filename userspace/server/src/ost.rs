//! The OSTs: objects of bytes, sparse (kept in 4 KiB pages, holes read as
//! zeros), in memory, and their RPCs: OST_STATFS, OST_GETATTR,
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

use std::collections::{BTreeMap, HashMap};
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

/// The sequence of OST 0's objects.
pub const OST_SEQ_BASE: u64 = 0xf_0000_0000;

const PAGE: u64 = 4096;

/// How long a bulk transfer may take.
const BULK_TIMEOUT: Duration = Duration::from_secs(30);

/// The most bytes of one BRW (`ocd_brw_size`).
pub const MAX_BRW: u64 = 4 << 20;

/// One object.
#[derive(Default)]
struct Object {
    pages: BTreeMap<u64, Box<[u8; PAGE as usize]>>,
    size: u64,
    /// Access, modification, change times.
    times: [u64; 3],
}

impl Object {
    fn read(&self, off: u64, len: u64) -> Vec<u8> {
        let end = off.saturating_add(len).min(self.size);
        let mut out = vec![0u8; end.saturating_sub(off) as usize];
        let mut at = off;
        while at < end {
            let (page, inpage) = (at / PAGE, at % PAGE);
            let n = (PAGE - inpage).min(end - at);
            if let Some(p) = self.pages.get(&page) {
                let dst = (at - off) as usize;
                out[dst..dst + n as usize]
                    .copy_from_slice(&p[inpage as usize..(inpage + n) as usize]);
            }
            at += n;
        }
        out
    }

    fn write(&mut self, off: u64, data: &[u8]) {
        let mut at = off;
        for chunk in split_at_pages(off, data) {
            let (page, inpage) = (at / PAGE, (at % PAGE) as usize);
            let p = self
                .pages
                .entry(page)
                .or_insert_with(|| Box::new([0; PAGE as usize]));
            p[inpage..inpage + chunk.len()].copy_from_slice(chunk);
            at += chunk.len() as u64;
        }
        self.size = self.size.max(off + data.len() as u64);
    }

    fn truncate(&mut self, size: u64) {
        self.pages.retain(|p, _| p * PAGE < size);
        if let Some(p) = self.pages.get_mut(&(size / PAGE)) {
            p[(size % PAGE) as usize..].fill(0);
        }
        self.size = size;
    }

    fn blocks(&self) -> u64 {
        self.pages.len() as u64 * (PAGE / 512)
    }
}

/// `data`, written at `off`, cut at page boundaries.
fn split_at_pages(off: u64, data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let first = ((PAGE - off % PAGE) as usize).min(data.len());
    let (head, rest) = data.split_at(first);
    std::iter::once(head)
        .filter(|h| !h.is_empty())
        .chain(rest.chunks(PAGE as usize))
}

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

/// The OSTs of the server.
pub struct Osts {
    /// By OST index: objects by FID, and the next object number.
    osts: Vec<Mutex<(HashMap<LuFid, Object>, u32)>>,
    node: Node,
}

fn encoded(
    size: usize,
    f: impl FnOnce(&mut [u8]) -> Result<(), rustre_lnet::wire::error::WireError>,
) -> Vec<u8> {
    let mut b = vec![0u8; size];
    f(&mut b).expect("sized for the structure");
    b
}

impl Osts {
    /// `count` empty OSTs, sending bulk with `node`.
    pub fn new(count: u32, node: &Node) -> Osts {
        Osts {
            osts: (0..count)
                .map(|_| Mutex::new((HashMap::new(), 1)))
                .collect(),
            node: node.clone(),
        }
    }

    fn ost(&self, idx: u32) -> std::sync::MutexGuard<'_, (HashMap<LuFid, Object>, u32)> {
        self.osts[idx as usize]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// How many OSTs there are.
    pub fn count(&self) -> u32 {
        self.osts.len() as u32
    }

    /// Creates an empty object on OST `idx` (for a file's layout).
    pub fn create(&self, idx: u32) -> LuFid {
        let mut ost = self.ost(idx);
        let fid = LuFid {
            seq: OST_SEQ_BASE + u64::from(idx),
            oid: ost.1,
            ver: 0,
        };
        ost.1 += 1;
        let t = now();
        ost.0.insert(
            fid,
            Object {
                times: [t; 3],
                ..Object::default()
            },
        );
        fid
    }

    /// Destroys object `fid` of OST `idx` (its file is gone).
    pub fn destroy(&self, idx: u32, fid: &LuFid) {
        self.ost(idx).0.remove(fid);
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
        let ost = self.ost(idx);
        let Some(obj) = ost.0.get(&fid) else {
            return Vec::new();
        };
        let lvb = OstLvb {
            lvb_size: obj.size,
            lvb_mtime: obj.times[1],
            lvb_atime: obj.times[0],
            lvb_ctime: obj.times[2],
            lvb_blocks: obj.blocks(),
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
                let obj = ost.0.get_mut(&oa.o_oi).ok_or(ENOENT)?;
                let t = now();
                match opc {
                    Opcode::OstPunch => {
                        obj.truncate(oa.o_size);
                        obj.times[1] = t;
                        obj.times[2] = t;
                    }
                    Opcode::OstSetattr => {
                        for (bit, i, v) in [
                            (OBD_MD_FLATIME, 0, oa.o_atime),
                            (OBD_MD_FLMTIME, 1, oa.o_mtime),
                            (OBD_MD_FLCTIME, 2, oa.o_ctime),
                        ] {
                            if oa.o_valid & bit != 0 {
                                obj.times[i] = v;
                            }
                        }
                    }
                    _ => {}
                }
                Ok(Reply::ok(vec![Self::obdo_of(oa.o_oi, obj)]))
            }
            Opcode::OstRead | Opcode::OstWrite => self.brw(idx, opc == Opcode::OstWrite, req),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn obdo_of(fid: LuFid, obj: &Object) -> Vec<u8> {
        let oa = Obdo {
            o_valid: OBD_MD_FLID
                | OBD_MD_FLGROUP
                | OBD_MD_FLSIZE
                | OBD_MD_FLBLOCKS
                | OBD_MD_FLATIME
                | OBD_MD_FLMTIME
                | OBD_MD_FLCTIME,
            o_oi: fid,
            o_size: obj.size,
            o_blocks: obj.blocks(),
            o_atime: obj.times[0],
            o_mtime: obj.times[1],
            o_ctime: obj.times[2],
            ..Obdo::default()
        };
        encoded(OBDO_SIZE, |b| oa.encode(b))
    }

    fn statfs(&self, idx: u32) -> Result<Reply, i32> {
        let (objects, blocks) = {
            let ost = self.ost(idx);
            (
                ost.0.len() as u64,
                ost.0.values().map(Object::blocks).sum::<u64>(),
            )
        };
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
                let obj = ost.0.get(&r.object).ok_or(ENOENT)?;
                let got = obj.read(r.offset, u64::from(r.len));
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
        if ranges.iter().any(|r| !ost.0.contains_key(&r.object)) {
            return Err(ENOENT);
        }
        let t = now();
        let mut at = 0;
        for r in ranges {
            let obj = ost.0.get_mut(&r.object).ok_or(ENOENT)?;
            let end = at + r.len as usize;
            obj.write(r.offset, data.get(at..end).ok_or(EINVAL)?);
            obj.times[1] = t;
            obj.times[2] = t;
            at = end;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_sparse_and_truncate() {
        let mut o = Object::default();
        o.write(10_000_000, b"end");
        assert_eq!(o.size, 10_000_003);
        assert_eq!(o.pages.len(), 1, "a hole costs nothing");
        assert_eq!(o.read(0, 4), [0; 4]);
        assert_eq!(o.read(10_000_001, 100), b"nd");
        o.write(4090, &[7; 12]);
        assert_eq!(
            o.read(4088, 16),
            [0, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0, 0]
        );
        o.truncate(4094);
        assert_eq!(o.size, 4094);
        assert_eq!(o.read(4088, 16), [0, 0, 7, 7, 7, 7]);
        o.truncate(8192);
        assert_eq!(
            o.read(4092, 4),
            [7, 7, 0, 0],
            "truncated bytes read back as zeros"
        );
    }
}
