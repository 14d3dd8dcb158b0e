//! The MDC: a client's connection to an MDT, and the namespace operations
//! over it: getattr and lookup, create (mkdir, mknod, symlink), unlink and
//! rmdir, rename, link, setattr, extended attributes, readdir.
//!
//! The client chooses the FIDs of what it creates, from a sequence the MDT
//! grants it (SEQ_QUERY), as Lustre's clients do. Requests go to the
//! portals Lustre sends them to: most to the MDT's request portal,
//! getattr by FID, getxattr and readpage to its readpage portal, rename to
//! its I/O portal, SEQ_QUERY to its sequence portal.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::connected::Connected;
use rustre_lnet::wire::lnet::LNET_PID_LUSTRE;
use rustre_lnet::wire::lustre::connect_flags::{
    OBD_CONNECT_AT, OBD_CONNECT_ATTRFID, OBD_CONNECT_FID, OBD_CONNECT_FULL20, OBD_CONNECT_VERSION,
};
use rustre_lnet::wire::lustre::dir::{DirPage, LU_PAGE_SIZE, MDS_DIR_END_OFF};
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::ldlm::{
    res_id_of_fid, LdlmIntent, LdlmLockDesc, LdlmReply, LdlmRequest, LockMode, DISP_OPEN_CREATE,
    DISP_OPEN_OPEN, IT_CREAT, IT_OPEN, LDLM_FL_HAS_INTENT, LDLM_IBITS, LDLM_INTENT_SIZE,
    LDLM_REQUEST_SIZE, MDS_INODELOCK_LOOKUP, MDS_INODELOCK_UPDATE,
};
use rustre_lnet::wire::lustre::mdt::*;
use rustre_lnet::wire::lustre::obd::{LuSeqRange, ObdConnectData, ObdStatfs, LU_SEQ_RANGE_SIZE};
use rustre_lnet::wire::lustre::reint::*;
use rustre_lnet::wire::nid::Nid;
use rustre_lnet::wire::ptlrpc::opcode::Opcode;
use rustre_lnet::wire::ptlrpc::portal::{
    MDC_REPLY_PORTAL, MDS_BULK_PORTAL, MDS_IO_PORTAL, MDS_READPAGE_PORTAL, MDS_REQUEST_PORTAL,
    SEQ_METADATA_PORTAL,
};
use rustre_lnet::{Node, ProcessId};
use rustre_ptlrpc::{Error, Import, Message, PortalBuffers, TargetKind};

/// The objects a client numbers in one sequence
/// (`LUSTRE_METADATA_SEQ_MAX_WIDTH`).
const SEQ_WIDTH: u32 = 0x2_0000;

/// `SEQ_ALLOC_META`: a sequence for metadata objects.
const SEQ_ALLOC_META: u32 = 1;

/// How many bytes of directory pages one READPAGE asks for.
const READDIR_BYTES: u32 = 8 * LU_PAGE_SIZE as u32;

/// How long to wait for readdir pages.
const BULK_TIMEOUT: Duration = Duration::from_secs(30);

/// The Lustre version we announce: 2.15.0.
const CLIENT_VERSION: u32 = 0x020f_0000;

/// `S_IFREG`.
const S_IFREG: u32 = 0o100_000;

/// The room we make for a layout or a link target in a getattr reply.
const MD_ROOM: u32 = 4096;

/// What the MDT says about an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// Its FID.
    pub fid: LuFid,
    /// Type and permission bits.
    pub mode: u32,
    /// Owner and group.
    pub owner: (u32, u32),
    /// Links.
    pub nlink: u32,
    /// Its size, when the MDT knows it (not for files with OST objects).
    pub size: Option<u64>,
    /// Access, modification and change times.
    pub times: [u64; 3],
    /// A symbolic link's target, or a file's layout.
    pub md: Vec<u8>,
}

impl Attr {
    fn from_body(b: &MdtBody) -> Attr {
        Attr {
            fid: b.fid1,
            mode: b.mode,
            owner: (b.uid, b.gid),
            nlink: b.nlink,
            size: (b.valid & OBD_MD_FLSIZE != 0).then_some(b.size),
            times: [b.atime, b.mtime, b.ctime],
            md: Vec::new(),
        }
    }

    fn from_reply(reply: &Message) -> Result<Attr, Error> {
        let b = MdtBody::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
        let md = reply.buffer(2).unwrap_or(&[]);
        let md = md.get(..b.eadatasize as usize).unwrap_or(md);
        Ok(Attr {
            md: md.to_vec(),
            ..Attr::from_body(&b)
        })
    }
}

/// Attributes to change (`None`: unchanged).
#[derive(Clone, Copy, Debug, Default)]
pub struct SetAttr {
    /// Permission bits.
    pub mode: Option<u32>,
    /// Owner.
    pub uid: Option<u32>,
    /// Group.
    pub gid: Option<u32>,
    /// Size.
    pub size: Option<u64>,
    /// Access time.
    pub atime: Option<u64>,
    /// Modification time.
    pub mtime: Option<u64>,
}

/// A file opened on the MDT.
#[derive(Clone, Debug)]
pub struct Opened {
    /// Its attributes (its layout in `md`).
    pub attr: Attr,
    /// The open handle, for [`Mdc::close`].
    pub handle: u64,
    /// Whether the open created it.
    pub created: bool,
}

/// The next FID of this client: a sequence, and the next number in it.
#[derive(Default)]
struct FidAlloc {
    seq: u64,
    next: u32,
}

/// A connection to an MDT.
pub struct Mdc {
    imp: Import,
    replies: Arc<PortalBuffers>,
    bulk: Arc<PortalBuffers>,
    fids: Mutex<FidAlloc>,
}

fn body(b: &MdtBody) -> Vec<u8> {
    let mut v = vec![0u8; MDT_BODY_SIZE];
    b.encode(&mut v).expect("sized above");
    v
}

fn string(s: &[u8]) -> Vec<u8> {
    let mut v = s.to_vec();
    v.push(0);
    v
}

fn record(f: impl FnOnce(&mut [u8]) -> Result<(), rustre_lnet::wire::error::WireError>) -> Vec<u8> {
    let mut v = vec![0u8; MDT_REC_SIZE];
    f(&mut v).expect("sized above");
    v
}

impl Mdc {
    /// Connects `node` to the MDT `uuid` at `nid` as client `cluuid`.
    ///
    /// # Errors
    /// What the connect gives; [`Error::Protocol`] when the MDT does not
    /// grant FIDs, which a client needs.
    pub fn connect(node: &Node, nid: Nid, uuid: &str, cluuid: &str) -> Result<Mdc, Error> {
        let target = ProcessId {
            nid: nid.as_u64(),
            pid: LNET_PID_LUSTRE,
        };
        let replies = PortalBuffers::attach(node, MDC_REPLY_PORTAL);
        let bulk = PortalBuffers::attach(node, MDS_BULK_PORTAL);
        let imp = Import::new(
            node,
            target,
            TargetKind::Mdt,
            uuid,
            MDS_REQUEST_PORTAL,
            replies.clone(),
        );
        let need = OBD_CONNECT_FID | OBD_CONNECT_ATTRFID | OBD_CONNECT_FULL20;
        let ocd = ObdConnectData {
            connect_flags: need | OBD_CONNECT_VERSION | OBD_CONNECT_AT,
            version: CLIENT_VERSION,
            ..ObdConnectData::default()
        };
        let got = imp.connect(cluuid, &ocd)?;
        if got.connect_flags & need != need {
            return Err(Error::Protocol(format!(
                "MDT flags {:#x}",
                got.connect_flags
            )));
        }
        Ok(Mdc {
            imp,
            replies,
            bulk,
            fids: Mutex::new(FidAlloc::default()),
        })
    }

    fn rpc_to(&self, portal: u32, opc: Opcode, bufs: &[&[u8]]) -> Result<Message, Error> {
        self.imp.rpc_on((portal, &*self.replies), opc, bufs)
    }

    /// A new FID, asking the MDT for a sequence when needed.
    fn new_fid(&self) -> Result<LuFid, Error> {
        let mut f = self.fids.lock().unwrap_or_else(|e| e.into_inner());
        if f.seq == 0 || f.next > SEQ_WIDTH {
            let mut range = vec![0u8; LU_SEQ_RANGE_SIZE];
            LuSeqRange::default().encode(&mut range)?;
            let op = SEQ_ALLOC_META.to_le_bytes();
            let reply = self.rpc_to(SEQ_METADATA_PORTAL, Opcode::SeqQuery, &[&op, &range])?;
            let got = LuSeqRange::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
            if got.lsr_end <= got.lsr_start {
                return Err(Error::Protocol("an empty sequence range".into()));
            }
            f.seq = got.lsr_start;
            f.next = 1;
        }
        let fid = LuFid {
            seq: f.seq,
            oid: f.next,
            ver: 0,
        };
        f.next += 1;
        Ok(fid)
    }

    /// The root directory's FID (MDS_GET_ROOT).
    ///
    /// # Errors
    /// RPC errors.
    pub fn root(&self) -> Result<LuFid, Error> {
        let reply = self
            .imp
            .rpc(Opcode::MdsGetRoot, &[&body(&MdtBody::default())])?;
        Ok(Attr::from_reply(&reply)?.fid)
    }

    /// The MDT's statistics (MDS_STATFS).
    ///
    /// # Errors
    /// RPC errors.
    pub fn statfs(&self) -> Result<ObdStatfs, Error> {
        let reply = self.imp.rpc(Opcode::MdsStatfs, &[])?;
        Ok(ObdStatfs::decode(
            reply.buffer(1).unwrap_or(&[]),
            reply.order(),
        )?)
    }

    fn asking(fid: LuFid) -> MdtBody {
        MdtBody {
            fid1: fid,
            valid: OBD_MD_FLGETATTR | OBD_MD_FLEASIZE | OBD_MD_LINKNAME,
            eadatasize: MD_ROOM,
            ..MdtBody::default()
        }
    }

    /// Opens `name` in `dir` with `MDS_OPEN_*`/`MDS_FMODE_*` `flags`,
    /// creating it with permissions `mode` (and the striping `striping`, a
    /// `lov_user_md`, if not empty) under `MDS_OPEN_CREAT`: an IT_OPEN
    /// intent.
    ///
    /// # Errors
    /// `Error::Status` with the intent's status (`-ENOENT`, `-EEXIST`,
    /// `-EISDIR`...), RPC errors.
    pub fn open(
        &self,
        dir: LuFid,
        name: &[u8],
        flags: u64,
        mode: u32,
        striping: &[u8],
    ) -> Result<Opened, Error> {
        let creat = flags & MDS_OPEN_CREAT != 0;
        let fid = if creat {
            self.new_fid()?
        } else {
            LuFid::default()
        };
        let mut flags = flags;
        if !striping.is_empty() {
            flags |= MDS_OPEN_HAS_EA;
        }
        let (lock_mode, it) = if creat {
            (LockMode::Cw, IT_OPEN | IT_CREAT)
        } else {
            (LockMode::Cr, IT_OPEN)
        };
        let mut dlm = vec![0u8; LDLM_REQUEST_SIZE];
        LdlmRequest {
            lock_flags: LDLM_FL_HAS_INTENT,
            lock_desc: LdlmLockDesc {
                lr_type: LDLM_IBITS,
                lr_name: res_id_of_fid(&dir),
                l_req_mode: lock_mode.to_wire(),
                l_policy_data: [MDS_INODELOCK_LOOKUP | MDS_INODELOCK_UPDATE, 0, 0, 0],
                ..LdlmLockDesc::default()
            },
            ..LdlmRequest::default()
        }
        .encode(&mut dlm)?;
        let mut intent = vec![0u8; LDLM_INTENT_SIZE];
        LdlmIntent { opc: it }.encode(&mut intent)?;
        let rec = record(|b| {
            MdtRecCreate {
                cr_opcode: REINT_OPEN,
                cr_fid1: dir,
                cr_fid2: fid,
                cr_mode: S_IFREG | (mode & 0o7777),
                cr_flags_l: flags as u32,
                cr_flags_h: (flags >> 32) as u32,
                ..MdtRecCreate::default()
            }
            .encode(b)
        });
        let bufs: [&[u8]; 7] = [&dlm, &intent, &rec, &[], &[], &string(name), striping];
        let reply = self.imp.rpc(Opcode::LdlmEnqueue, &bufs)?;
        let rep = LdlmReply::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
        let status = rep.lock_policy_res2 as i64;
        if status < 0 {
            return Err(Error::Status(status as i32));
        }
        if rep.lock_policy_res1 & DISP_OPEN_OPEN == 0 {
            return Err(Error::Protocol(format!(
                "open dispositions {:#x}",
                rep.lock_policy_res1
            )));
        }
        let b = MdtBody::decode(reply.buffer(2).unwrap_or(&[]), reply.order())?;
        let layout = reply.buffer(3).unwrap_or(&[]);
        let attr = Attr {
            md: layout
                .get(..b.eadatasize as usize)
                .unwrap_or(layout)
                .to_vec(),
            ..Attr::from_body(&b)
        };
        Ok(Opened {
            attr,
            handle: b.open_handle,
            created: rep.lock_policy_res1 & DISP_OPEN_CREATE != 0,
        })
    }

    /// Closes an open handle of `fid` (MDS_CLOSE).
    ///
    /// # Errors
    /// `Error::Status(-ESTALE)` for a handle that is not open; RPC errors.
    pub fn close(&self, fid: LuFid, handle: u64) -> Result<(), Error> {
        let mut epoch = vec![0u8; 24];
        epoch[..8].copy_from_slice(&handle.to_le_bytes());
        let rec = record(|b| {
            MdtRecSetattr {
                sa_opcode: REINT_SETATTR,
                sa_fid: fid,
                ..MdtRecSetattr::default()
            }
            .encode(b)
        });
        self.rpc_to(MDS_READPAGE_PORTAL, Opcode::MdsClose, &[&epoch, &rec, &[]])
            .map(drop)
    }

    /// The attributes of `fid` (MDS_GETATTR).
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)` and RPC errors.
    pub fn getattr(&self, fid: LuFid) -> Result<Attr, Error> {
        let b = body(&Self::asking(fid));
        let reply = self.rpc_to(MDS_READPAGE_PORTAL, Opcode::MdsGetattr, &[&b, &[]])?;
        Attr::from_reply(&reply)
    }

    /// The attributes of `name` in `dir` (MDS_GETATTR_NAME).
    ///
    /// # Errors
    /// `Error::Status(-ENOENT)` and RPC errors.
    pub fn lookup(&self, dir: LuFid, name: &[u8]) -> Result<Attr, Error> {
        let b = body(&Self::asking(dir));
        let reply = self
            .imp
            .rpc(Opcode::MdsGetattrName, &[&b, &[], &string(name)])?;
        Attr::from_reply(&reply)
    }

    /// Creates `name` in `dir` with `mode` (a directory, a special file, or
    /// with `target`, a symbolic link); returns its attributes.
    ///
    /// # Errors
    /// `Error::Status` with `-EEXIST`, `-ENOENT`, `-ENOTDIR`..., RPC errors.
    pub fn create(&self, dir: LuFid, name: &[u8], mode: u32, target: &[u8]) -> Result<Attr, Error> {
        let fid = self.new_fid()?;
        let rec = record(|b| {
            MdtRecCreate {
                cr_opcode: REINT_CREATE,
                cr_fid1: dir,
                cr_fid2: fid,
                cr_mode: mode,
                ..MdtRecCreate::default()
            }
            .encode(b)
        });
        let target = if target.is_empty() {
            Vec::new()
        } else {
            string(target)
        };
        let reply = self
            .imp
            .rpc(Opcode::MdsReint, &[&rec, &[], &string(name), &target])?;
        Attr::from_reply(&reply)
    }

    fn reint(&self, portal: u32, rec: &MdtRecReint, bufs: &[&[u8]]) -> Result<Message, Error> {
        let rec = record(|b| rec.encode(b));
        let mut all: Vec<&[u8]> = vec![&rec];
        all.extend_from_slice(bufs);
        self.rpc_to(portal, Opcode::MdsReint, &all)
    }

    /// Removes `name` from `dir`: a directory when `dir_wanted` (rmdir),
    /// anything else otherwise (unlink).
    ///
    /// # Errors
    /// `Error::Status` with `-ENOENT`, `-ENOTEMPTY`, `-EISDIR`,
    /// `-ENOTDIR`..., RPC errors.
    pub fn unlink(&self, dir: LuFid, name: &[u8], dir_wanted: bool) -> Result<(), Error> {
        let rec = MdtRecReint {
            rr_opcode: REINT_UNLINK,
            rr_fid1: dir,
            rr_mode: if dir_wanted { 0o040_000 } else { 0o100_000 },
            ..MdtRecReint::default()
        };
        self.reint(MDS_REQUEST_PORTAL, &rec, &[&[], &string(name)])
            .map(drop)
    }

    /// Renames `name` in `src` to `new_name` in `dst`.
    ///
    /// # Errors
    /// `Error::Status` and RPC errors.
    pub fn rename(
        &self,
        src: LuFid,
        name: &[u8],
        dst: LuFid,
        new_name: &[u8],
    ) -> Result<(), Error> {
        let rec = MdtRecReint {
            rr_opcode: REINT_RENAME,
            rr_fid1: src,
            rr_fid2: dst,
            ..MdtRecReint::default()
        };
        let bufs: [&[u8]; 4] = [&[], &[], &string(name), &string(new_name)];
        self.reint(MDS_IO_PORTAL, &rec, &bufs).map(drop)
    }

    /// Links `fid` as `name` in `dir`.
    ///
    /// # Errors
    /// `Error::Status` and RPC errors.
    pub fn link(&self, fid: LuFid, dir: LuFid, name: &[u8]) -> Result<(), Error> {
        let rec = MdtRecReint {
            rr_opcode: REINT_LINK,
            rr_fid1: fid,
            rr_fid2: dir,
            ..MdtRecReint::default()
        };
        self.reint(MDS_REQUEST_PORTAL, &rec, &[&[], &[], &string(name)])
            .map(drop)
    }

    /// Changes attributes of `fid`; returns them all.
    ///
    /// # Errors
    /// `Error::Status` and RPC errors.
    pub fn setattr(&self, fid: LuFid, set: &SetAttr) -> Result<Attr, Error> {
        let mut sa = MdtRecSetattr {
            sa_opcode: REINT_SETATTR,
            sa_fid: fid,
            ..MdtRecSetattr::default()
        };
        let mut valid = MDS_ATTR_CTIME;
        if let Some(m) = set.mode {
            (sa.sa_mode, valid) = (m, valid | MDS_ATTR_MODE);
        }
        if let Some(u) = set.uid {
            (sa.sa_uid, valid) = (u, valid | MDS_ATTR_UID);
        }
        if let Some(g) = set.gid {
            (sa.sa_gid, valid) = (g, valid | MDS_ATTR_GID);
        }
        if let Some(s) = set.size {
            (sa.sa_size, valid) = (s, valid | MDS_ATTR_SIZE);
        }
        if let Some(t) = set.atime {
            (sa.sa_atime, valid) = (t, valid | MDS_ATTR_ATIME | MDS_ATTR_ATIME_SET);
        }
        if let Some(t) = set.mtime {
            (sa.sa_mtime, valid) = (t, valid | MDS_ATTR_MTIME | MDS_ATTR_MTIME_SET);
        }
        sa.sa_valid = valid;
        let rec = record(|b| sa.encode(b));
        let reply = self.imp.rpc(Opcode::MdsReint, &[&rec])?;
        Attr::from_reply(&reply)
    }

    /// Sets (`Some`) or removes (`None`) the extended attribute `name`.
    ///
    /// # Errors
    /// `Error::Status(-ENODATA)` removing what is not there; RPC errors.
    pub fn setxattr(&self, fid: LuFid, name: &[u8], value: Option<&[u8]>) -> Result<(), Error> {
        let sx = MdtRecSetxattr {
            sx_opcode: REINT_SETXATTR,
            sx_fid: fid,
            sx_valid: if value.is_some() {
                OBD_MD_FLXATTR
            } else {
                OBD_MD_FLXATTRRM
            },
            sx_size: value.map_or(0, |v| v.len() as u32),
            ..MdtRecSetxattr::default()
        };
        let rec = record(|b| sx.encode(b));
        let bufs: [&[u8]; 4] = [&rec, &[], &string(name), value.unwrap_or(&[])];
        self.imp.rpc(Opcode::MdsReint, &bufs).map(drop)
    }

    /// The value of extended attribute `name` of `fid`, or with `None` the
    /// list of names (each ends with a NUL).
    ///
    /// # Errors
    /// `Error::Status(-ENODATA)` and RPC errors.
    pub fn getxattr(&self, fid: LuFid, name: Option<&[u8]>) -> Result<Vec<u8>, Error> {
        let b = body(&MdtBody {
            fid1: fid,
            valid: if name.is_some() {
                OBD_MD_FLXATTR
            } else {
                OBD_MD_FLXATTRLS
            },
            eadatasize: 65536,
            ..MdtBody::default()
        });
        let name = name.map(string).unwrap_or_else(|| vec![0]);
        let reply = self.rpc_to(
            MDS_READPAGE_PORTAL,
            Opcode::MdsGetxattr,
            &[&b, &[], &name, &[]],
        )?;
        let got = MdtBody::decode(reply.buffer(1).unwrap_or(&[]), reply.order())?;
        let data = reply.buffer(2).unwrap_or(&[]);
        Ok(data.get(..got.eadatasize as usize).unwrap_or(data).to_vec())
    }

    /// The entries of directory `dir` (`.` and `..` included): name, FID
    /// and file type, in the MDT's hash order.
    ///
    /// # Errors
    /// RPC errors; [`Error::Protocol`] for a malformed page.
    pub fn readdir(&self, dir: LuFid) -> Result<Vec<(Vec<u8>, LuFid, u16)>, Error> {
        let mut out = Vec::new();
        let mut hash = 0;
        while hash != MDS_DIR_END_OFF {
            let b = body(&MdtBody {
                fid1: dir,
                size: hash,
                nlink: READDIR_BYTES,
                mode: rustre_lnet::wire::lustre::dir::LUDA_FID
                    | rustre_lnet::wire::lustre::dir::LUDA_TYPE,
                ..MdtBody::default()
            });
            let pages = self.readpage(&b)?;
            if pages.is_empty() || pages.len() % LU_PAGE_SIZE != 0 {
                return Err(Error::Protocol(format!(
                    "{} bytes of readdir pages",
                    pages.len()
                )));
            }
            let mut next = hash;
            for page in pages.chunks(LU_PAGE_SIZE) {
                let p = DirPage::decode(page)?;
                for e in p.entries() {
                    let e = e?;
                    out.push((e.name.to_vec(), e.fid, e.file_type.unwrap_or(0)));
                }
                next = p.header.ldp_hash_end;
            }
            if next <= hash && next != MDS_DIR_END_OFF {
                return Err(Error::Protocol("a readdir that does not advance".into()));
            }
            hash = next;
        }
        Ok(out)
    }

    /// One READPAGE: the pages the MDT PUTs for request body `b`, into a
    /// buffer registered under the request's XID (the bulk match bits
    /// without `OBD_CONNECT_BULK_MBITS`) before the request goes.
    fn readpage(&self, b: &[u8]) -> Result<Vec<u8>, Error> {
        let xid = self.imp.new_xid();
        let sink = self.bulk.expect(xid);
        let portals = (MDS_READPAGE_PORTAL, &*self.replies);
        let sent = self
            .imp
            .rpc_xid(xid, portals, Opcode::MdsReadpage, &[b, &[]]);
        self.bulk.withdraw(xid);
        sent?;
        // The MDT waits for its bulk PUT to be ACKed before it replies.
        let put = sink
            .recv_timeout(BULK_TIMEOUT)
            .map_err(|_| Error::Timeout)?;
        Ok(put.payload)
    }
}

impl Connected for Mdc {
    fn import(&self) -> &Import {
        &self.imp
    }
}
