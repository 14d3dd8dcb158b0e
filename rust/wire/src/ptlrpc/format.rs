//! The buffer lists of the RPCs ("RQF" formats, Lustre's `layout.c`): for
//! each RPC, what buffers 1.. of its request and of its reply hold
//! (buffer 0 is always the `ptlrpc_body`).
//!
//! [`RqFormat::check`] checks a received message against its side of the
//! format before any buffer is decoded: every structure at least its size,
//! every string NUL-terminated, every array a whole number of elements.
//! [`RqFormat::buflens`] gives the buffer lengths to build a message with.

use crate::wire::error::WireError;
use crate::wire::lustre::ldlm::{
    LAYOUT_INTENT_SIZE, LDLM_INTENT_SIZE, LDLM_REPLY_SIZE, LDLM_REQUEST_SIZE,
};
use crate::wire::lustre::llog::LLOG_MIN_CHUNK_SIZE;
use crate::wire::lustre::mdt::MDT_BODY_SIZE;
use crate::wire::lustre::mgs::{LLOGD_BODY_SIZE, MGS_CONFIG_BODY_SIZE, MGS_CONFIG_RES_SIZE};
use crate::wire::lustre::obd::{LU_SEQ_RANGE_SIZE, OBD_CONNECT_DATA_SIZE, OBD_STATFS_SIZE};
use crate::wire::lustre::ost::{NIOBUF_REMOTE_SIZE, OBDO_SIZE, OBD_IOOBJ_SIZE, OST_LVB_SIZE};
use crate::wire::lustre::reint::MDT_REC_SIZE;
use crate::wire::ptlrpc::body::PTLRPC_BODY_SIZE;
use crate::wire::ptlrpc::msg::LustreMsg;

/// What one buffer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Buf {
    /// A structure of at least this size (a newer peer may send more).
    Struct(&'static str, u32),
    /// Elements of this size, as many as there are.
    Array(&'static str, u32),
    /// A NUL-terminated string; its length counts the NUL.
    Str(&'static str),
    /// Bytes of any length, maybe none.
    Var(&'static str),
    /// A capability slot: present, and empty.
    Capa,
}

impl Buf {
    /// The buffer's name, as in Lustre (`RMF_*` without the prefix).
    pub const fn name(self) -> &'static str {
        match self {
            Buf::Struct(n, _) | Buf::Array(n, _) | Buf::Str(n) | Buf::Var(n) => n,
            Buf::Capa => "capa",
        }
    }

    /// Whether a message may leave this buffer out when it is last.
    const fn optional(self) -> bool {
        matches!(self, Buf::Var(_) | Buf::Capa)
    }

    /// Checks that `data` is a valid buffer of this kind.
    fn check(self, data: &[u8]) -> Result<(), WireError> {
        let ok = match self {
            Buf::Struct(_, size) => data.len() >= size as usize,
            Buf::Array(_, size) => data.len().checked_rem(size as usize) == Some(0),
            Buf::Str(_) => data.last() == Some(&0),
            Buf::Var(_) | Buf::Capa => true,
        };
        if ok {
            Ok(())
        } else {
            Err(WireError::BadField {
                field: self.name(),
                value: data.len() as u64,
            })
        }
    }
}

/// One side of an RPC: the buffers after the `ptlrpc_body`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Side(pub &'static [Buf]);

/// An RPC's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RqFormat {
    /// Its name, as in Lustre (`RQF_*` without the prefix).
    pub name: &'static str,
    /// The request's buffers.
    pub request: Side,
    /// The reply's buffers.
    pub reply: Side,
}

/// The most buffers a format has, `ptlrpc_body` included.
pub const MAX_FORMAT_BUFS: usize = 12;

impl Side {
    /// Checks a received message against this side: the buffers it has are
    /// valid, and it lacks only trailing optional ones.
    ///
    /// # Errors
    /// [`WireError::BadField`] naming the first bad or missing buffer.
    pub fn check(&self, msg: &LustreMsg<'_>) -> Result<(), WireError> {
        let have = msg.bufcount().saturating_sub(1);
        for (i, b) in self.0.iter().enumerate() {
            if i >= have {
                if self.0[i..].iter().all(|b| b.optional()) {
                    break;
                }
                return Err(WireError::BadField {
                    field: b.name(),
                    value: u64::MAX,
                });
            }
            b.check(msg.buffer(i + 1)?)?;
        }
        Ok(())
    }

    /// The buffer lengths of a message of this side, `ptlrpc_body` first,
    /// into `out`: structures at their size, capabilities empty, and
    /// strings, arrays and variable buffers at `var(i)` for buffer `i`
    /// (1-based). Returns how many buffers there are.
    ///
    /// # Errors
    /// [`WireError::Short`] when `out` is too small.
    pub fn buflens(&self, var: impl Fn(usize) -> u32, out: &mut [u32]) -> Result<usize, WireError> {
        let n = self.0.len() + 1;
        let have = out.len();
        let out = out.get_mut(..n).ok_or(WireError::Short {
            what: "buffer lengths",
            need: n,
            have,
        })?;
        out[0] = PTLRPC_BODY_SIZE as u32;
        for (i, (b, len)) in self.0.iter().zip(out[1..].iter_mut()).enumerate() {
            *len = match b {
                Buf::Struct(_, size) => *size,
                Buf::Capa => 0,
                Buf::Array(..) | Buf::Str(_) | Buf::Var(_) => var(i + 1),
            };
        }
        Ok(n)
    }
}

const MDT_BODY: Buf = Buf::Struct("mdt_body", MDT_BODY_SIZE as u32);
const OST_BODY: Buf = Buf::Struct("ost_body", OBDO_SIZE as u32);
const OBD_STATFS: Buf = Buf::Struct("obd_statfs", OBD_STATFS_SIZE as u32);
const DLM_REQ: Buf = Buf::Struct("dlm_req", LDLM_REQUEST_SIZE as u32);
const DLM_REP: Buf = Buf::Struct("dlm_rep", LDLM_REPLY_SIZE as u32);
const DLM_INTENT: Buf = Buf::Struct("ldlm_intent", LDLM_INTENT_SIZE as u32);
const REC_REINT: Buf = Buf::Struct("rec_reint", MDT_REC_SIZE as u32);
const MDT_MD: Buf = Buf::Var("mdt_md");
const ACL: Buf = Buf::Var("acl");
const NAME: Buf = Buf::Str("name");
const LOGCOOKIES: Buf = Buf::Var("logcookies");
const LVB: Buf = Buf::Var("dlm_lvb");
const CANCELS: Buf = Buf::Var("dlm_req_cancels");
const SELINUX_POL: Buf = Buf::Var("selinux_pol");
const MDT_IOEPOCH: Buf = Buf::Var("mdt_ioepoch");
const EADATA: Buf = Buf::Var("eadata");
const SECCTX_NAME: Buf = Buf::Var("file_secctx_name");
const SECCTX: Buf = Buf::Var("file_secctx");
const ENCCTX: Buf = Buf::Var("file_encctx");
const DEFAULT_MDT_MD: Buf = Buf::Var("default_mdt_md");
const LLOGD_BODY: Buf = Buf::Struct("llogd_body", LLOGD_BODY_SIZE as u32);
const SEQ_RANGE: Buf = Buf::Struct("seq_range", LU_SEQ_RANGE_SIZE as u32);
const NO_BUFS: Side = Side(&[]);
const GETATTR_REPLY: Side = Side(&[MDT_BODY, MDT_MD, ACL, Buf::Capa, Buf::Capa, ENCCTX]);
/// The reply of unlink, rename and close.
const UNLINK_REPLY: Side = Side(&[MDT_BODY, MDT_MD, LOGCOOKIES, Buf::Capa, Buf::Capa]);

/// MGS_CONNECT, MDS_CONNECT, OST_CONNECT: the target and client UUIDs, the
/// connect handle, the connect data.
pub const CONNECT: RqFormat = RqFormat {
    name: "CONNECT",
    request: Side(&[
        Buf::Struct("tgtuuid", 39),
        Buf::Struct("cluuid", 39),
        Buf::Struct("conn", 8),
        Buf::Struct("connect_data", OBD_CONNECT_DATA_SIZE as u32),
        SELINUX_POL,
    ]),
    reply: Side(&[Buf::Struct("connect_data", OBD_CONNECT_DATA_SIZE as u32)]),
};

/// DISCONNECT and OBD_PING: the body alone.
pub const BODY_ONLY: RqFormat = RqFormat {
    name: "OBD_PING",
    request: NO_BUFS,
    reply: NO_BUFS,
};

/// MDS_GET_ROOT (GETSTATUS).
pub const MDS_GET_ROOT: RqFormat = RqFormat {
    name: "MDS_GET_ROOT",
    request: Side(&[MDT_BODY, Buf::Var("name")]),
    reply: Side(&[MDT_BODY, Buf::Capa]),
};

/// MDS_STATFS.
pub const MDS_STATFS: RqFormat = RqFormat {
    name: "MDS_STATFS",
    request: Side(&[Buf::Var("mdt_body")]),
    reply: Side(&[OBD_STATFS]),
};

/// OST_STATFS.
pub const OST_STATFS: RqFormat = RqFormat {
    name: "OST_STATFS",
    request: NO_BUFS,
    reply: Side(&[OBD_STATFS]),
};

/// MDS_GETATTR, by FID.
pub const MDS_GETATTR: RqFormat = RqFormat {
    name: "MDS_GETATTR",
    request: Side(&[MDT_BODY, Buf::Capa]),
    reply: GETATTR_REPLY,
};

/// MDS_GETATTR_NAME: by parent FID and name.
pub const MDS_GETATTR_NAME: RqFormat = RqFormat {
    name: "MDS_GETATTR_NAME",
    request: Side(&[MDT_BODY, Buf::Capa, NAME]),
    reply: GETATTR_REPLY,
};

/// LDLM_ENQUEUE without intent, from an MDC or MGC (no LVB in the reply
/// but an empty one) or an OSC (an `ost_lvb`).
pub const LDLM_ENQUEUE: RqFormat = RqFormat {
    name: "LDLM_ENQUEUE_LVB",
    request: Side(&[DLM_REQ]),
    reply: Side(&[DLM_REP, LVB]),
};

/// LDLM_ENQUEUE with IT_LOOKUP or IT_GETATTR.
pub const LDLM_INTENT_GETATTR: RqFormat = RqFormat {
    name: "LDLM_INTENT_GETATTR",
    request: Side(&[DLM_REQ, DLM_INTENT, MDT_BODY, Buf::Capa, NAME, SECCTX_NAME]),
    reply: Side(&[
        DLM_REP,
        MDT_BODY,
        MDT_MD,
        ACL,
        Buf::Capa,
        SECCTX,
        DEFAULT_MDT_MD,
        ENCCTX,
    ]),
};

/// LDLM_ENQUEUE with IT_OPEN (and maybe IT_CREAT).
pub const LDLM_INTENT_OPEN: RqFormat = RqFormat {
    name: "LDLM_INTENT_OPEN",
    request: Side(&[
        DLM_REQ,
        DLM_INTENT,
        REC_REINT,
        Buf::Capa,
        Buf::Capa,
        NAME,
        EADATA,
        SECCTX_NAME,
        SECCTX,
        SELINUX_POL,
        ENCCTX,
    ]),
    reply: Side(&[
        DLM_REP,
        MDT_BODY,
        MDT_MD,
        ACL,
        Buf::Capa,
        Buf::Capa,
        Buf::Var("niobuf_inline"),
        SECCTX,
        ENCCTX,
        DEFAULT_MDT_MD,
    ]),
};

/// LDLM_ENQUEUE with IT_LAYOUT.
pub const LDLM_INTENT_LAYOUT: RqFormat = RqFormat {
    name: "LDLM_INTENT_LAYOUT",
    request: Side(&[
        DLM_REQ,
        DLM_INTENT,
        Buf::Struct("layout_intent", LAYOUT_INTENT_SIZE as u32),
        EADATA,
    ]),
    reply: Side(&[DLM_REP, LVB]),
};

/// LDLM_CANCEL, and LDLM_BL_CALLBACK from a server.
pub const LDLM_CANCEL: RqFormat = RqFormat {
    name: "LDLM_CANCEL",
    request: Side(&[DLM_REQ]),
    reply: NO_BUFS,
};

/// LDLM_CP_CALLBACK from a server.
pub const LDLM_CP_CALLBACK: RqFormat = RqFormat {
    name: "LDLM_CP_CALLBACK",
    request: Side(&[DLM_REQ, LVB]),
    reply: NO_BUFS,
};

/// LDLM_GL_CALLBACK from a server: the client answers with the LVB.
pub const LDLM_GL_CALLBACK: RqFormat = RqFormat {
    name: "LDLM_GL_CALLBACK",
    request: Side(&[DLM_REQ, Buf::Var("dlm_gl_desc")]),
    reply: Side(&[Buf::Struct("dlm_lvb", OST_LVB_SIZE as u32)]),
};

/// MDS_REINT of REINT_CREATE (mkdir, mknod, symlink).
pub const MDS_REINT_CREATE: RqFormat = RqFormat {
    name: "MDS_REINT_CREATE_ACL",
    request: Side(&[
        REC_REINT,
        Buf::Capa,
        NAME,
        EADATA,
        CANCELS,
        SECCTX_NAME,
        SECCTX,
        SELINUX_POL,
        ENCCTX,
    ]),
    reply: Side(&[MDT_BODY, Buf::Capa, MDT_MD]),
};

/// MDS_REINT of REINT_UNLINK (unlink, rmdir).
pub const MDS_REINT_UNLINK: RqFormat = RqFormat {
    name: "MDS_REINT_UNLINK",
    request: Side(&[REC_REINT, Buf::Capa, NAME, CANCELS, SELINUX_POL]),
    reply: UNLINK_REPLY,
};

/// MDS_REINT of REINT_SETATTR.
pub const MDS_REINT_SETATTR: RqFormat = RqFormat {
    name: "MDS_REINT_SETATTR",
    request: Side(&[
        REC_REINT,
        Buf::Capa,
        MDT_IOEPOCH,
        EADATA,
        LOGCOOKIES,
        CANCELS,
    ]),
    reply: Side(&[MDT_BODY, MDT_MD, ACL, Buf::Capa, Buf::Capa]),
};

/// MDS_REINT of REINT_RENAME (sent to MDS_IO_PORTAL).
pub const MDS_REINT_RENAME: RqFormat = RqFormat {
    name: "MDS_REINT_RENAME",
    request: Side(&[
        REC_REINT,
        Buf::Capa,
        Buf::Capa,
        NAME,
        Buf::Str("symtgt"),
        CANCELS,
        SELINUX_POL,
    ]),
    reply: UNLINK_REPLY,
};

/// MDS_REINT of REINT_LINK.
pub const MDS_REINT_LINK: RqFormat = RqFormat {
    name: "MDS_REINT_LINK",
    request: Side(&[REC_REINT, Buf::Capa, Buf::Capa, NAME, CANCELS, SELINUX_POL]),
    reply: Side(&[MDT_BODY]),
};

/// MDS_CLOSE.
pub const MDS_CLOSE: RqFormat = RqFormat {
    name: "MDS_CLOSE",
    request: Side(&[Buf::Struct("mdt_ioepoch", 24), REC_REINT, Buf::Capa]),
    reply: UNLINK_REPLY,
};

/// MDS_READPAGE: the pages come in a bulk PUT.
pub const MDS_READPAGE: RqFormat = RqFormat {
    name: "MDS_READPAGE",
    request: Side(&[MDT_BODY, Buf::Capa]),
    reply: Side(&[MDT_BODY]),
};

/// MDS_GETXATTR: one extended attribute by name (or the list of names,
/// with no name); the reply's `eadata` holds the value.
pub const MDS_GETXATTR: RqFormat = RqFormat {
    name: "MDS_GETXATTR",
    request: Side(&[MDT_BODY, Buf::Capa, NAME, EADATA]),
    reply: Side(&[MDT_BODY, EADATA]),
};

/// MDS_REINT / SETXATTR: set (or with no value, remove) an extended
/// attribute.
pub const MDS_REINT_SETXATTR: RqFormat = RqFormat {
    name: "MDS_REINT_SETXATTR",
    request: Side(&[REC_REINT, Buf::Capa, NAME, EADATA, CANCELS, SELINUX_POL]),
    reply: Side(&[MDT_BODY]),
};

/// MDS_SYNC: commit a file's metadata (or the whole MDT's, for the root).
pub const MDS_SYNC: RqFormat = RqFormat {
    name: "MDS_SYNC",
    request: Side(&[MDT_BODY, Buf::Capa]),
    reply: Side(&[MDT_BODY]),
};

/// SEQ_QUERY: a sequence of FIDs for new files.
pub const SEQ_QUERY: RqFormat = RqFormat {
    name: "SEQ_QUERY",
    request: Side(&[Buf::Struct("seq_opc", 4), SEQ_RANGE]),
    reply: Side(&[SEQ_RANGE]),
};

/// OST_GETATTR, OST_SETATTR, OST_PUNCH, OST_SYNC.
pub const OST_BODY_CAPA: RqFormat = RqFormat {
    name: "OST_BODY_CAPA",
    request: Side(&[OST_BODY, Buf::Capa]),
    reply: Side(&[OST_BODY]),
};

/// OST_READ: the data comes in bulk PUTs (or inline, short I/O).
pub const OST_BRW_READ: RqFormat = RqFormat {
    name: "OST_BRW_READ",
    request: Side(&[
        OST_BODY,
        Buf::Array("obd_ioobj", OBD_IOOBJ_SIZE as u32),
        Buf::Array("niobuf_remote", NIOBUF_REMOTE_SIZE as u32),
        Buf::Capa,
        Buf::Var("short_io"),
    ]),
    reply: Side(&[OST_BODY, Buf::Var("short_io")]),
};

/// OST_WRITE: the server GETs the data (or it is inline, short I/O); the
/// reply has a return code per niobuf.
pub const OST_BRW_WRITE: RqFormat = RqFormat {
    name: "OST_BRW_WRITE",
    request: OST_BRW_READ.request,
    reply: Side(&[OST_BODY, Buf::Array("rcs", 4)]),
};

/// MGS_CONFIG_READ: the log comes in bulk PUTs.
pub const MGS_CONFIG_READ: RqFormat = RqFormat {
    name: "MGS_CONFIG_READ",
    request: Side(&[Buf::Struct("mgs_config_body", MGS_CONFIG_BODY_SIZE as u32)]),
    reply: Side(&[Buf::Struct("mgs_config_res", MGS_CONFIG_RES_SIZE as u32)]),
};

/// LLOG_ORIGIN_HANDLE_CREATE: open a log by name.
pub const LLOG_ORIGIN_HANDLE_CREATE: RqFormat = RqFormat {
    name: "LLOG_ORIGIN_HANDLE_CREATE",
    request: Side(&[LLOGD_BODY, NAME, Buf::Var("mdt_body")]),
    reply: Side(&[LLOGD_BODY]),
};

/// LLOG_ORIGIN_HANDLE_READ_HEADER.
pub const LLOG_ORIGIN_HANDLE_READ_HEADER: RqFormat = RqFormat {
    name: "LLOG_ORIGIN_HANDLE_READ_HEADER",
    request: Side(&[LLOGD_BODY]),
    reply: Side(&[Buf::Struct("llog_log_hdr", LLOG_MIN_CHUNK_SIZE as u32)]),
};

/// LLOG_ORIGIN_HANDLE_NEXT_BLOCK.
pub const LLOG_ORIGIN_HANDLE_NEXT_BLOCK: RqFormat = RqFormat {
    name: "LLOG_ORIGIN_HANDLE_NEXT_BLOCK",
    request: Side(&[LLOGD_BODY]),
    reply: Side(&[LLOGD_BODY, Buf::Var("eadata")]),
};

/// Every format, for tests and tools.
pub const ALL: &[RqFormat] = &[
    CONNECT,
    BODY_ONLY,
    MDS_GET_ROOT,
    MDS_STATFS,
    OST_STATFS,
    MDS_GETATTR,
    MDS_GETATTR_NAME,
    LDLM_ENQUEUE,
    LDLM_INTENT_GETATTR,
    LDLM_INTENT_OPEN,
    LDLM_INTENT_LAYOUT,
    LDLM_CANCEL,
    LDLM_CP_CALLBACK,
    LDLM_GL_CALLBACK,
    MDS_REINT_CREATE,
    MDS_REINT_UNLINK,
    MDS_REINT_SETATTR,
    MDS_REINT_RENAME,
    MDS_REINT_LINK,
    MDS_CLOSE,
    MDS_READPAGE,
    MDS_GETXATTR,
    MDS_REINT_SETXATTR,
    MDS_SYNC,
    SEQ_QUERY,
    OST_BODY_CAPA,
    OST_BRW_READ,
    OST_BRW_WRITE,
    MGS_CONFIG_READ,
    LLOG_ORIGIN_HANDLE_CREATE,
    LLOG_ORIGIN_HANDLE_READ_HEADER,
    LLOG_ORIGIN_HANDLE_NEXT_BLOCK,
];

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::wire::ptlrpc::msg::{LustreMsgMut, MsgHeader};
    use std::vec;

    /// Builds a message of `side` with the variable buffers at `var`, and
    /// fills the strings with "x\0".
    fn build(side: &Side, var: impl Fn(usize) -> u32) -> std::vec::Vec<u8> {
        let mut lens = [0u32; MAX_FORMAT_BUFS];
        let n = side.buflens(var, &mut lens).unwrap();
        let size = crate::wire::ptlrpc::msg::msg_size(&lens[..n]).unwrap();
        let mut buf = vec![0u8; size];
        let mut m = LustreMsgMut::new(&mut buf, &lens[..n], &MsgHeader::default()).unwrap();
        for (i, b) in side.0.iter().enumerate() {
            if let Buf::Str(_) = b {
                let s = m.buffer_mut(i + 1).unwrap();
                if let Some(first) = s.first_mut() {
                    *first = b'x';
                }
            }
        }
        buf
    }

    #[test]
    fn every_format_accepts_what_it_builds() {
        for f in ALL {
            assert!(f.request.0.len() < MAX_FORMAT_BUFS, "{}", f.name);
            for side in [f.request, f.reply] {
                let buf = build(&side, |i| match side.0[i - 1] {
                    Buf::Array(_, size) => 2 * size,
                    _ => 2,
                });
                let msg = LustreMsg::decode(&buf).unwrap();
                assert_eq!(side.check(&msg), Ok(()), "{}", f.name);
            }
        }
    }

    #[test]
    fn rejects_bad_buffers() {
        // A string without its NUL.
        let mut lens = [0u32; MAX_FORMAT_BUFS];
        let n = MDS_GETATTR_NAME.request.buflens(|_| 3, &mut lens).unwrap();
        let size = crate::wire::ptlrpc::msg::msg_size(&lens[..n]).unwrap();
        let mut buf = vec![0u8; size];
        let mut m = LustreMsgMut::new(&mut buf, &lens[..n], &MsgHeader::default()).unwrap();
        m.buffer_mut(3).unwrap().copy_from_slice(b"abc");
        let msg = LustreMsg::decode(&buf).unwrap();
        assert!(MDS_GETATTR_NAME.request.check(&msg).is_err());
        // A short structure: an mdt_body of 100 bytes.
        let lens = [PTLRPC_BODY_SIZE as u32, 100, 0];
        let mut buf = vec![0u8; crate::wire::ptlrpc::msg::msg_size(&lens).unwrap()];
        LustreMsgMut::new(&mut buf, &lens, &MsgHeader::default()).unwrap();
        let msg = LustreMsg::decode(&buf).unwrap();
        assert!(MDS_GETATTR.request.check(&msg).is_err());
        // A missing required buffer, and a missing optional one.
        let lens = [PTLRPC_BODY_SIZE as u32];
        let mut buf = vec![0u8; crate::wire::ptlrpc::msg::msg_size(&lens).unwrap()];
        LustreMsgMut::new(&mut buf, &lens, &MsgHeader::default()).unwrap();
        let msg = LustreMsg::decode(&buf).unwrap();
        assert!(MDS_GETATTR.request.check(&msg).is_err());
        assert_eq!(MDS_STATFS.request.check(&msg), Ok(()));
        // An array that is not a whole number of elements.
        let side = OST_BRW_READ.request;
        let buf = build(&side, |i| if i == 2 { 20 } else { 16 });
        let msg = LustreMsg::decode(&buf).unwrap();
        assert!(side.check(&msg).is_err());
    }
}
