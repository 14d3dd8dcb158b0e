//! The MDT: the namespace and its RPCs.
//!
//! - SEQ_QUERY grants a client a sequence of FIDs for the objects it
//!   creates.
//! - MDS_STATFS, MDS_GET_ROOT, MDS_GETATTR (by FID), MDS_GETATTR_NAME (by
//!   parent and name), MDS_GETXATTR, MDS_SYNC read.
//! - MDS_REINT changes: CREATE (mkdir, mknod, symlink, and files without
//!   an open), UNLINK (and rmdir), RENAME, LINK, SETATTR, SETXATTR. Each
//!   gets a transaction number; the namespace lives in memory, so every
//!   transaction is committed as soon as it is done (`pb_last_committed`).
//! - MDS_READPAGE sends directory pages in hash order (`readdir.rs`) as a
//!   bulk PUT, then replies.
//!
//! Every request's buffers are checked against its format first; every
//! name must be NUL-terminated within its buffer.

mod intent;
mod journal;
mod layout;
mod namespace;
mod readdir;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustre_lnet::wire::lustre::errno::{
    EEXIST, EINVAL, ENODATA, EOPNOTSUPP, EPROTO, ERANGE, ESTALE,
};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::mdt::*;
use rustre_lnet::wire::lustre::obd::{LuSeqRange, ObdStatfs, LU_SEQ_RANGE_SIZE, OBD_STATFS_SIZE};
use rustre_lnet::wire::lustre::reint::*;
use rustre_lnet::wire::ptlrpc::format::{self, Side};
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::MDS_BULK_PORTAL;
use rustre_lnet::Node;
use rustre_ptlrpc::{Reply, Request};

use crate::encoded;

use crate::ost::Osts;

pub use namespace::{Inode, Kind, Namespace, NewInode, S_IFDIR, S_IFLNK, S_IFMT};

/// How long a bulk PUT may wait for the client's ACK.
const BULK_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest readdir transfer (`ocd_brw_size` for MDTs).
const MAX_READDIR: usize = 1 << 20;

/// The MDT.
pub struct Mdt {
    ns: Mutex<Namespace>,
    transno: AtomicU64,
    node: Node,
    /// Where files' objects are made and destroyed.
    osts: Arc<Osts>,
    /// The OST the next file starts on, when it may start on any.
    next_ost: AtomicU32,
    /// Open files, by open handle.
    opens: Mutex<HashMap<u64, LuFid>>,
    next_handle: AtomicU64,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks `req` against `side` of a format.
fn check(req: &Request, side: Side) -> Result<(), i32> {
    side.check(&req.msg.msg()).map_err(|e| {
        eprintln!(
            "{}: x{}: malformed request: {e}",
            rustre_lnet::fmt_nid(req.peer.nid),
            req.xid
        );
        EPROTO
    })
}

/// The bytes of buffer `i` before its NUL (formats check there is one).
fn name(req: &Request, i: usize) -> &[u8] {
    let b = req.msg.buffer(i).unwrap_or(&[]);
    b.split(|c| *c == 0).next().unwrap_or(&[])
}

/// The `mdt_body` that describes `inode`.
pub fn body_of(inode: &Inode) -> MdtBody {
    let mut valid = OBD_MD_FLID
        | OBD_MD_FLATIME
        | OBD_MD_FLMTIME
        | OBD_MD_FLCTIME
        | OBD_MD_FLMODE
        | OBD_MD_FLTYPE
        | OBD_MD_FLUID
        | OBD_MD_FLGID
        | OBD_MD_FLNLINK
        | OBD_MD_FLRDEV;
    // The OSTs know the size of a file that has objects; the MDT the rest.
    if !matches!(inode.kind, Kind::File(Some(_))) {
        valid |= OBD_MD_FLSIZE | OBD_MD_FLBLOCKS;
    }
    MdtBody {
        fid1: inode.fid,
        valid,
        size: inode.size,
        blocks: inode.size.div_ceil(512),
        atime: inode.times[0],
        mtime: inode.times[1],
        ctime: inode.times[2],
        mode: inode.mode,
        uid: inode.uid,
        gid: inode.gid,
        nlink: inode.nlink,
        rdev: inode.rdev,
        ..MdtBody::default()
    }
}

/// The reply of a getattr: the body, and the layout or link target when
/// the client asked for it and made room.
fn getattr_reply(inode: &Inode, asked: &MdtBody) -> Vec<Vec<u8>> {
    let mut body = body_of(inode);
    let md = match &inode.kind {
        Kind::File(Some(layout)) if asked.valid & OBD_MD_FLEASIZE != 0 => {
            body.valid |= OBD_MD_FLEASIZE;
            layout.clone()
        }
        Kind::Symlink(target) if asked.valid & OBD_MD_LINKNAME != 0 => {
            body.valid |= OBD_MD_LINKNAME;
            let mut t = target.clone();
            t.push(0);
            t
        }
        _ => Vec::new(),
    };
    if md.len() > asked.eadatasize as usize {
        // No room: say how much, send nothing.
        body.eadatasize = md.len() as u32;
        return vec![encoded(MDT_BODY_SIZE, |b| body.encode(b)), vec![]];
    }
    body.eadatasize = md.len() as u32;
    vec![encoded(MDT_BODY_SIZE, |b| body.encode(b)), md]
}

impl Mdt {
    /// An MDT sending bulk with `node`, with files striped over `osts`:
    /// with an empty root directory in memory, or the namespace kept in
    /// directory `data`.
    ///
    /// # Errors
    /// Those of reading the journal in `data`.
    pub fn new(
        node: &Node,
        osts: Arc<Osts>,
        data: Option<&std::path::Path>,
    ) -> std::io::Result<Mdt> {
        let ns = match data {
            Some(dir) => Namespace::open(LuFid::ROOT, now(), dir)?,
            None => Namespace::new(LuFid::ROOT, now()),
        };
        Ok(Mdt {
            ns: Mutex::new(ns),
            transno: AtomicU64::new(0),
            node: node.clone(),
            osts,
            next_ost: AtomicU32::new(0),
            opens: Mutex::new(HashMap::new()),
            next_handle: AtomicU64::new(now() << 20),
        })
    }

    /// A new open handle of `fid` (for `export`, which closes it).
    fn open_handle(&self, fid: LuFid, _export: u64) -> u64 {
        let h = self.next_handle.fetch_add(1, Ordering::Relaxed);
        self.opens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(h, fid);
        h
    }

    /// MDS_CLOSE: forgets an open handle.
    fn close(&self, req: &Request) -> Result<Reply, i32> {
        check(req, format::MDS_CLOSE.request)?;
        let epoch = req.msg.buffer(1).unwrap_or(&[]);
        let handle =
            rustre_lnet::wire::codec::Fields::new("mdt_ioepoch", epoch, 8, req.msg.order())
                .and_then(|f| f.u64(0))
                .map_err(|_| EPROTO)?;
        let fid = self
            .opens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&handle)
            .ok_or(ESTALE)?;
        let ns = self.ns();
        let body = ns.get(&fid).map(body_of).unwrap_or_default();
        Ok(Reply::ok(vec![encoded(MDT_BODY_SIZE, |b| body.encode(b))]))
    }

    fn ns(&self) -> std::sync::MutexGuard<'_, Namespace> {
        self.ns.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Handles one MDT request (not connect, ping or disconnect).
    pub fn handle(&self, opc: Opcode, req: &Request) -> Result<Reply, i32> {
        match opc {
            Opcode::SeqQuery => self.seq_query(req),
            Opcode::MdsStatfs => self.statfs(),
            Opcode::MdsGetRoot => {
                check(req, format::MDS_GET_ROOT.request)?;
                let body = MdtBody {
                    fid1: LuFid::ROOT,
                    valid: OBD_MD_FLID,
                    ..MdtBody::default()
                };
                Ok(Reply::ok(vec![
                    encoded(MDT_BODY_SIZE, |b| body.encode(b)),
                    vec![],
                ]))
            }
            Opcode::MdsGetattr => {
                check(req, format::MDS_GETATTR.request)?;
                let asked = self.body(req)?;
                let ns = self.ns();
                Ok(Reply::ok(getattr_reply(ns.get(&asked.fid1)?, &asked)))
            }
            Opcode::MdsGetattrName => {
                check(req, format::MDS_GETATTR_NAME.request)?;
                let asked = self.body(req)?;
                let ns = self.ns();
                let fid = ns.lookup(&asked.fid1, name(req, 3))?;
                Ok(Reply::ok(getattr_reply(ns.get(&fid)?, &asked)))
            }
            Opcode::MdsGetxattr => self.getxattr(req),
            Opcode::MdsSync => {
                check(req, format::MDS_SYNC.request)?;
                let asked = self.body(req)?;
                let body = body_of(self.ns().get(&asked.fid1)?);
                Ok(Reply::ok(vec![encoded(MDT_BODY_SIZE, |b| body.encode(b))]))
            }
            Opcode::MdsReint => self.reint(req),
            Opcode::MdsReadpage => self.readpage(req),
            Opcode::MdsClose => self.close(req),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn body(&self, req: &Request) -> Result<MdtBody, i32> {
        MdtBody::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order()).map_err(|_| EPROTO)
    }

    fn seq_query(&self, req: &Request) -> Result<Reply, i32> {
        check(req, format::SEQ_QUERY.request)?;
        let seq = self.ns().grant_seq()?;
        let range = LuSeqRange {
            lsr_start: seq,
            lsr_end: seq + 1,
            lsr_index: 0,
            lsr_flags: 0,
        };
        Ok(Reply::ok(vec![encoded(LU_SEQ_RANGE_SIZE, |b| {
            range.encode(b)
        })]))
    }

    fn statfs(&self) -> Result<Reply, i32> {
        let files = self.ns().count() as u64;
        let total_files = 1 << 24;
        let mut fsid = [0u8; 40];
        fsid[..10].copy_from_slice(b"rustre-mdt");
        let st = ObdStatfs {
            os_type: 0x0bd0_0bd0,
            os_blocks: 1 << 20,
            os_bfree: 1 << 20,
            os_bavail: 1 << 20,
            os_files: total_files,
            os_ffree: total_files - files,
            os_bsize: 4096,
            os_namelen: namespace::NAME_MAX as u32,
            os_maxbytes: u64::MAX >> 1,
            os_fsid: rustre_lnet::wire::layout::Bytes(fsid),
            ..ObdStatfs::default()
        };
        Ok(Reply::ok(vec![encoded(OBD_STATFS_SIZE, |b| st.encode(b))]))
    }

    fn getxattr(&self, req: &Request) -> Result<Reply, i32> {
        check(req, format::MDS_GETXATTR.request)?;
        let asked = self.body(req)?;
        let ns = self.ns();
        let inode = ns.get(&asked.fid1)?;
        let value = if asked.valid & OBD_MD_FLXATTRLS != 0 {
            let mut list = Vec::new();
            for n in inode.xattrs.keys() {
                list.extend_from_slice(n);
                list.push(0);
            }
            list
        } else {
            inode.xattrs.get(name(req, 3)).cloned().ok_or(ENODATA)?
        };
        let room = asked.eadatasize as usize;
        if room != 0 && value.len() > room {
            return Err(ERANGE);
        }
        let body = MdtBody {
            fid1: inode.fid,
            valid: asked.valid & (OBD_MD_FLXATTR | OBD_MD_FLXATTRLS),
            eadatasize: value.len() as u32,
            ..MdtBody::default()
        };
        // A size query (no room) gets the size alone.
        let data = if room == 0 { Vec::new() } else { value };
        Ok(Reply::ok(vec![
            encoded(MDT_BODY_SIZE, |b| body.encode(b)),
            data,
        ]))
    }

    /// A modifying request's reply: a new transaction, committed at once.
    fn committed(&self, bufs: Vec<Vec<u8>>) -> Reply {
        let transno = self.transno.fetch_add(1, Ordering::Relaxed) + 1;
        Reply {
            transno,
            last_committed: transno,
            ..Reply::ok(bufs)
        }
    }

    fn reint(&self, req: &Request) -> Result<Reply, i32> {
        let rec = req.msg.buffer(1).unwrap_or(&[]);
        let r = MdtRecReint::decode(rec, req.msg.order()).map_err(|_| EPROTO)?;
        let order = req.msg.order();
        let time = if r.rr_mtime != 0 { r.rr_mtime } else { now() };
        match r.rr_opcode {
            REINT_CREATE => {
                check(req, format::MDS_REINT_CREATE.request)?;
                let c = MdtRecCreate::decode(rec, order).map_err(|_| EPROTO)?;
                let target = if c.cr_mode & S_IFMT == S_IFLNK {
                    name(req, 4)
                } else {
                    &[]
                };
                let new = NewInode {
                    fid: c.cr_fid2,
                    mode: c.cr_mode,
                    owner: (c.cr_fsuid, c.cr_fsgid),
                    time: if c.cr_time != 0 { c.cr_time } else { now() },
                    rdev: c.cr_rdev as u32,
                    target,
                };
                if new.fid.is_zero() {
                    return Err(EINVAL);
                }
                let mut ns = self.ns();
                let body = body_of(ns.create(&c.cr_fid1, name(req, 3), &new)?);
                drop(ns);
                Ok(self.committed(vec![
                    encoded(MDT_BODY_SIZE, |b| body.encode(b)),
                    vec![],
                    vec![],
                ]))
            }
            REINT_UNLINK => {
                check(req, format::MDS_REINT_UNLINK.request)?;
                let want_dir = r.rr_mode & S_IFMT == S_IFDIR;
                let gone = self.ns().unlink(&r.rr_fid1, name(req, 3), want_dir, time)?;
                let body = gone.as_ref().map(|i| MdtBody {
                    nlink: 0,
                    ..body_of(i)
                });
                let body = body.unwrap_or_default();
                self.release(gone);
                Ok(self.committed(vec![
                    encoded(MDT_BODY_SIZE, |b| body.encode(b)),
                    vec![],
                    vec![],
                ]))
            }
            REINT_RENAME => {
                check(req, format::MDS_REINT_RENAME.request)?;
                let (old, new) = (name(req, 4), name(req, 5));
                self.ns()
                    .rename((&r.rr_fid1, old), (&r.rr_fid2, new), time)?;
                Ok(self.committed(vec![encoded(MDT_BODY_SIZE, |b| {
                    MdtBody::default().encode(b)
                })]))
            }
            REINT_LINK => {
                check(req, format::MDS_REINT_LINK.request)?;
                self.ns().link(&r.rr_fid1, &r.rr_fid2, name(req, 4), time)?;
                Ok(self.committed(vec![encoded(MDT_BODY_SIZE, |b| {
                    MdtBody::default().encode(b)
                })]))
            }
            REINT_SETATTR => self.setattr(req),
            REINT_SETXATTR => self.setxattr(req),
            _ => Err(EOPNOTSUPP),
        }
    }

    fn setattr(&self, req: &Request) -> Result<Reply, i32> {
        check(req, format::MDS_REINT_SETATTR.request)?;
        let sa = MdtRecSetattr::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let t = now();
        let mut ns = self.ns();
        let inode = ns.update(&sa.sa_fid, |inode| {
            let v = sa.sa_valid;
            if v & MDS_ATTR_MODE != 0 {
                inode.mode = (inode.mode & S_IFMT) | (sa.sa_mode & !S_IFMT);
            }
            if v & MDS_ATTR_UID != 0 {
                inode.uid = sa.sa_uid;
            }
            if v & MDS_ATTR_GID != 0 {
                inode.gid = sa.sa_gid;
            }
            if v & MDS_ATTR_SIZE != 0 {
                if inode.is_dir() {
                    return Err(rustre_lnet::wire::lustre::errno::EISDIR);
                }
                inode.size = sa.sa_size;
            }
            if v & MDS_ATTR_ATIME != 0 {
                inode.times[0] = if v & MDS_ATTR_ATIME_SET != 0 {
                    sa.sa_atime
                } else {
                    t
                };
            }
            if v & MDS_ATTR_MTIME != 0 {
                inode.times[1] = if v & MDS_ATTR_MTIME_SET != 0 {
                    sa.sa_mtime
                } else {
                    t
                };
            }
            inode.times[2] = if v & MDS_ATTR_CTIME != 0 && sa.sa_ctime != 0 {
                sa.sa_ctime
            } else {
                t
            };
            Ok(())
        })?;
        let body = body_of(inode);
        drop(ns);
        Ok(self.committed(vec![
            encoded(MDT_BODY_SIZE, |b| body.encode(b)),
            vec![],
            vec![],
        ]))
    }

    fn setxattr(&self, req: &Request) -> Result<Reply, i32> {
        check(req, format::MDS_REINT_SETXATTR.request)?;
        let sx = MdtRecSetxattr::decode(req.msg.buffer(1).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let key = name(req, 3).to_vec();
        let value = req.msg.buffer(4).unwrap_or(&[]);
        let mut ns = self.ns();
        let inode = ns.update(&sx.sx_fid, |inode| {
            if sx.sx_valid & OBD_MD_FLXATTRRM != 0 {
                inode.xattrs.remove(&key).ok_or(ENODATA)?;
            } else {
                let exists = inode.xattrs.contains_key(&key);
                if sx.sx_flags & XATTR_CREATE != 0 && exists {
                    return Err(EEXIST);
                }
                if sx.sx_flags & XATTR_REPLACE != 0 && !exists {
                    return Err(ENODATA);
                }
                let len = (sx.sx_size as usize).min(value.len());
                inode.xattrs.insert(key, value[..len].to_vec());
            }
            inode.times[2] = if sx.sx_time != 0 { sx.sx_time } else { now() };
            Ok(())
        })?;
        let body = body_of(inode);
        drop(ns);
        Ok(self.committed(vec![encoded(MDT_BODY_SIZE, |b| body.encode(b))]))
    }

    fn readpage(&self, req: &Request) -> Result<Reply, i32> {
        check(req, format::MDS_READPAGE.request)?;
        let asked = self.body(req)?;
        let bytes = (asked.nlink as usize).min(MAX_READDIR);
        let pages = {
            let ns = self.ns();
            readdir::pages(&ns, &asked.fid1, asked.size, bytes)?
        };
        self.node
            .put_acked(req.peer, (MDS_BULK_PORTAL, req.xid), &pages, BULK_TIMEOUT)
            .map_err(|e| {
                eprintln!("{}: readdir bulk: {e}", rustre_lnet::fmt_nid(req.peer.nid));
                rustre_lnet::wire::lustre::errno::ETIMEDOUT
            })?;
        let body = MdtBody {
            fid1: asked.fid1,
            valid: OBD_MD_FLSIZE,
            size: pages.len() as u64,
            ..MdtBody::default()
        };
        Ok(Reply::ok(vec![encoded(MDT_BODY_SIZE, |b| body.encode(b))]))
    }
}
