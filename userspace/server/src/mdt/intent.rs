//! Intents: metadata operations that a client sends inside an
//! LDLM_ENQUEUE, so that one RPC does the operation and (on a real MDT)
//! hands back a lock. This MDT runs the operation and grants no lock:
//! `pb_status` is `ELDLM_LOCK_ABORTED`, the dispositions say what was done
//! (`lock_policy_res1`) and `lock_policy_res2` its status; the client then
//! keeps no cached state it would need a lock for.
//!
//! - IT_LOOKUP / IT_GETATTR: the child `name` of the parent, or the parent
//!   itself without a name; its body and layout.
//! - IT_OPEN, with IT_CREAT: open a file by name (or by FID), creating it
//!   (and its OST objects) if asked; the reply's body carries the open
//!   handle for MDS_CLOSE.
//!
//! An enqueue without an intent is a plain lock request, granted at once.

use rustre_lnet::wire::codec::ByteOrder;
use rustre_lnet::wire::lustre::errno::{EEXIST, EISDIR, ENOENT, EOPNOTSUPP, EPROTO};
use rustre_lnet::wire::lustre::ldlm::*;
use rustre_lnet::wire::lustre::mdt::{MdtBody, MDT_BODY_SIZE, OBD_MD_FLEASIZE, OBD_MD_FLHANDLE};
use rustre_lnet::wire::lustre::reint::*;
use rustre_lnet::wire::ptlrpc::format;
use rustre_ptlrpc::{Reply, Request};

use super::namespace::{Kind, NewInode, S_IFMT, S_IFREG};
use super::{body_of, check, encoded, getattr_reply, name, now, Mdt};
use crate::ldlm::Locks;
use crate::obd::{Export, Exports};
use crate::target::Target;

/// What an intent did, for the reply.
struct Outcome {
    disp: u64,
    status: i32,
    bufs: Vec<Vec<u8>>,
}

impl Mdt {
    /// Handles an LDLM_ENQUEUE to the MDT from export `export`.
    pub(crate) fn enqueue(
        &self,
        export: (u64, &Export),
        req: &Request,
        locks: &Locks,
        ctx: (&Exports, &[Target]),
    ) -> Result<Reply, i32> {
        let order: ByteOrder = req.msg.order();
        let dlm =
            LdlmRequest::decode(req.msg.buffer(1).unwrap_or(&[]), order).map_err(|_| EPROTO)?;
        if dlm.lock_flags & LDLM_FL_HAS_INTENT == 0 || req.msg.msg().bufcount() < 3 {
            return locks.enqueue(export, req, ctx, |_| Vec::new());
        }
        let it = LdlmIntent::decode(req.msg.buffer(2).unwrap_or(&[]), order).map_err(|_| EPROTO)?;
        let out = if it.opc & IT_OPEN != 0 {
            self.intent_open(req, export.0)?
        } else if it.opc & (IT_LOOKUP | IT_GETATTR) != 0 {
            self.intent_getattr(req)?
        } else {
            return Err(EOPNOTSUPP);
        };
        let rep = LdlmReply {
            lock_desc: dlm.lock_desc,
            lock_policy_res1: out.disp,
            lock_policy_res2: out.status as i64 as u64,
            ..LdlmReply::default()
        };
        let mut bufs = vec![encoded(LDLM_REPLY_SIZE, |b| rep.encode(b))];
        bufs.extend(out.bufs);
        Ok(Reply {
            status: ELDLM_LOCK_ABORTED,
            ..Reply::ok(bufs)
        })
    }

    fn intent_getattr(&self, req: &Request) -> Result<Outcome, i32> {
        check(req, format::LDLM_INTENT_GETATTR.request)?;
        let asked = MdtBody::decode(req.msg.buffer(3).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let ns = self.ns();
        let name = name(req, 5);
        let found = if name.is_empty() {
            Ok(asked.fid1)
        } else {
            ns.lookup(&asked.fid1, name)
        };
        let mut disp = DISP_IT_EXECD | DISP_LOOKUP_EXECD;
        match found {
            Ok(fid) => {
                disp |= DISP_LOOKUP_POS;
                Ok(Outcome {
                    disp,
                    status: 0,
                    bufs: getattr_reply(ns.get(&fid)?, &asked),
                })
            }
            // A negative lookup is a success that finds nothing.
            Err(ENOENT) => Ok(Outcome {
                disp: disp | DISP_LOOKUP_NEG,
                status: 0,
                bufs: vec![],
            }),
            Err(e) => Err(e),
        }
    }

    fn intent_open(&self, req: &Request, export: u64) -> Result<Outcome, i32> {
        check(req, format::LDLM_INTENT_OPEN.request)?;
        let rec = MdtRecCreate::decode(req.msg.buffer(3).unwrap_or(&[]), req.msg.order())
            .map_err(|_| EPROTO)?;
        let flags = u64::from(rec.cr_flags_l) | (u64::from(rec.cr_flags_h) << 32);
        let mut disp = DISP_IT_EXECD | DISP_LOOKUP_EXECD;
        let fail = |disp: u64, status: i32| Outcome {
            disp,
            status: -status,
            bufs: vec![],
        };
        let mut ns = self.ns();
        let name = name(req, 6);
        let existing = if flags & MDS_OPEN_BY_FID != 0 {
            ns.get(&rec.cr_fid2).map(|i| i.fid)
        } else {
            ns.lookup(&rec.cr_fid1, name)
        };
        let fid = match existing {
            Ok(fid) => {
                disp |= DISP_LOOKUP_POS;
                if flags & MDS_OPEN_CREAT != 0 && flags & MDS_OPEN_EXCL != 0 {
                    return Ok(fail(disp, EEXIST));
                }
                fid
            }
            Err(ENOENT) if flags & MDS_OPEN_CREAT != 0 => {
                disp |= DISP_LOOKUP_NEG | DISP_OPEN_CREATE;
                let new = NewInode {
                    fid: rec.cr_fid2,
                    mode: S_IFREG | (rec.cr_mode & !S_IFMT),
                    owner: (rec.cr_fsuid, rec.cr_fsgid),
                    time: if rec.cr_time != 0 { rec.cr_time } else { now() },
                    rdev: 0,
                    target: &[],
                };
                let wanted = req.msg.buffer(7).filter(|e| !e.is_empty());
                let default = ns
                    .get(&rec.cr_fid1)?
                    .xattrs
                    .get(super::layout::DEFAULT_LAYOUT_XATTR)
                    .cloned();
                ns.create(&rec.cr_fid1, name, &new)?;
                if flags & MDS_OPEN_DELAY_CREATE == 0 {
                    let layout = self.new_layout(new.fid, wanted.or(default.as_deref()))?;
                    ns.update(&new.fid, |i| {
                        i.kind = Kind::File(Some(layout));
                        Ok(())
                    })?;
                }
                new.fid
            }
            Err(ENOENT) => return Ok(fail(disp | DISP_LOOKUP_NEG, ENOENT)),
            Err(e) => return Err(e),
        };
        let inode = ns.get(&fid)?;
        if inode.is_dir() && flags & (MDS_FMODE_WRITE | MDS_OPEN_CREAT) != 0 {
            return Ok(fail(disp, EISDIR));
        }
        disp |= DISP_OPEN_OPEN;
        let handle = self.open_handle(fid, export);
        let mut body = MdtBody {
            open_handle: handle,
            valid: body_of(inode).valid | OBD_MD_FLHANDLE,
            ..body_of(inode)
        };
        let layout = match &inode.kind {
            Kind::File(Some(l)) => {
                body.valid |= OBD_MD_FLEASIZE;
                body.eadatasize = l.len() as u32;
                l.clone()
            }
            _ => Vec::new(),
        };
        Ok(Outcome {
            disp,
            status: 0,
            bufs: vec![encoded(MDT_BODY_SIZE, |b| body.encode(b)), layout],
        })
    }
}
