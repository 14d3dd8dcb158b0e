// SPDX-License-Identifier: GPL-2.0

//! [`Import`]: the client's connection to one target, and its RPCs
//! (Lustre's `ptlrpc_queue_wait` path, synchronous).
//!
//! An RPC attaches a reply buffer to the import's reply portal (match bits:
//! the XID; any offset the target asks, as it writes a final reply behind
//! room for early replies), then PUTs the request without asking for an
//! ACK. A request that gets no reply in time is sent again with the same
//! XID, flagged `MSG_RESENT`, so that a target that did it answers with the
//! reply it kept instead of doing it twice.

use kernel::alloc::KVVec;
use kernel::prelude::*;
use kernel::str::CString;
use kernel::sync::{Arc, Mutex};

use super::reply::Reply;
use super::xid::next_xid;
use crate::errno::{eproto, etimedout};
use crate::klog::warn_ratelimited;
use crate::lnet_api::{EventKind, MdBuf, MdOptions, Moved, ProcessId, MD_THRESH_INF};
use crate::wire::error::WireError;
use crate::wire::lnet::LNET_PID_LUSTRE;
use crate::wire::lustre::connect_flags::{OBD_CONNECT_AT, OBD_CONNECT_FULL20, OBD_CONNECT_VERSION};
use crate::wire::lustre::obd::{ObdConnectData, OBD_CONNECT_DATA_SIZE};
use crate::wire::nid::Nid;
use crate::wire::ptlrpc::body::{PtlrpcBody, PTL_RPC_MSG_ERR, PTL_RPC_MSG_REPLY};
use crate::wire::ptlrpc::format::{self, RqFormat, MAX_FORMAT_BUFS};
use crate::wire::ptlrpc::msg::{msg_size, MsgHeader, MSGHDR_AT_SUPPORT};
use crate::wire::ptlrpc::opcode::Opcode;
use crate::wire::ptlrpc::pack::{pack, packed_size};
use crate::wire::ptlrpc::target::TargetKind;

/// The Lustre version we announce: 2.15.0.
const CLIENT_VERSION: u32 = 0x020f_0000;

/// The connect flags every import asks for: the version in the connect
/// data, adaptive timeouts, and the 2.0 message format (needed).
const BASE_FLAGS: u64 = OBD_CONNECT_VERSION | OBD_CONNECT_AT | OBD_CONNECT_FULL20;

/// `MSG_CONNECT_INITIAL` in `pb_op_flags`: a first connect.
const MSG_CONNECT_INITIAL: u32 = 0x20;

/// `MSG_RESENT` in `pb_flags`: a request sent again.
const MSG_RESENT: u32 = 0x2;

/// Where a final reply lands in its buffer when the target does adaptive
/// timeouts (`lustre_msg_early_size`: an early reply, a message of one
/// `ptlrpc_body`, fits before it).
const AT_REPLY_OFFSET: u32 = 224;

/// How many times a request is sent at most.
const SENDS: u32 = 3;

/// How long to wait for a reply to each send, in milliseconds.
const REPLY_TIMEOUT_MS: u32 = 20_000;

/// The longest UUID of a connect request (`sizeof(struct obd_uuid) - 1`,
/// NUL included).
const UUID_BUF: usize = 39;

/// What a connect established.
#[derive(Clone, Copy, Debug, Default)]
struct Connection {
    /// The export's handle, sent in every request.
    handle: u64,
    /// How many times we connected.
    conn_cnt: u32,
    /// The target does adaptive timeouts.
    at: bool,
}

/// A connection to one target.
#[pin_data]
pub(crate) struct Import {
    /// The target's node.
    nid: Nid,
    kind: TargetKind,
    /// The target's UUID, as the connect names it.
    uuid: CString,
    /// Our handle for the connection, sent in the connect.
    local_handle: u64,
    /// Written by connects and disconnects, read by every RPC.
    #[pin]
    conn: Mutex<Connection>,
}

impl Import {
    /// An import of the target `uuid`, of `kind`, on the node at `nid`.
    ///
    /// # Errors
    /// `ENOMEM`; `EINVAL` for a UUID too long for a connect.
    pub(crate) fn new(nid: Nid, kind: TargetKind, uuid: &str) -> Result<Arc<Self>> {
        if uuid.len() >= UUID_BUF {
            return Err(EINVAL);
        }
        let uuid = CString::try_from_fmt(format_args!("{uuid}"))?;
        Arc::pin_init(
            pin_init!(Import {
                nid,
                kind,
                uuid,
                local_handle: next_xid() | 1,
                conn <- kernel::new_mutex!(Connection::default()),
            }),
            GFP_KERNEL,
        )
    }

    /// The target's NID.
    pub(crate) fn nid(&self) -> Nid {
        self.nid
    }

    /// The target's UUID.
    pub(crate) fn uuid(&self) -> &str {
        self.uuid.to_str().unwrap_or("?")
    }

    /// The target's LNet process.
    fn target(&self) -> ProcessId {
        ProcessId {
            nid: self.nid.as_u64(),
            pid: LNET_PID_LUSTRE,
        }
    }

    /// Logs (rate-limited) that the reply to `opc` was malformed; `EPROTO`.
    fn malformed(&self, opc: Opcode, e: WireError) -> Error {
        warn_ratelimited(format_args!(
            "{} at {}: malformed reply to {:?}: {}",
            self.uuid(),
            self.nid(),
            opc,
            e
        ));
        eproto()
    }

    /// Sends RPC `opc` of `format` with `bufs` (the request's buffers
    /// after the body) and waits for its reply, for which variable-length
    /// buffers of up to `reply_var` bytes are made room for. The reply is
    /// checked against the format.
    ///
    /// # Errors
    /// The target's status when it is an error; `ETIMEDOUT` when no reply
    /// came; `EPROTO` for a malformed reply; LNet's errors (no route, the
    /// connection refused); `EINTR` on a signal.
    pub(crate) fn rpc(
        &self,
        opc: Opcode,
        format: &RqFormat,
        bufs: &[&[u8]],
        reply_var: u32,
    ) -> Result<Reply> {
        let portal = self.kind.request_portal();
        self.rpc_with(portal, opc, 0, format, bufs, reply_var)
    }

    /// As [`Import::rpc`], to the target's request portal `portal`
    /// instead of its main one (Lustre sends some RPCs to other services
    /// of a target: an OST's statfs to its create portal).
    ///
    /// # Errors
    /// As [`Import::rpc`].
    pub(crate) fn rpc_on(
        &self,
        portal: u32,
        opc: Opcode,
        format: &RqFormat,
        bufs: &[&[u8]],
        reply_var: u32,
    ) -> Result<Reply> {
        self.rpc_with(portal, opc, 0, format, bufs, reply_var)
    }

    fn rpc_with(
        &self,
        portal: u32,
        opc: Opcode,
        op_flags: u32,
        format: &RqFormat,
        bufs: &[&[u8]],
        reply_var: u32,
    ) -> Result<Reply> {
        let conn = *self.conn.lock();
        let xid = next_xid();
        let mut lens = [0u32; MAX_FORMAT_BUFS];
        let n = format
            .reply
            .buflens(|_| reply_var, &mut lens)
            .map_err(|_| EINVAL)?;
        let repsize = msg_size(&lens[..n]).ok_or(EINVAL)?;
        let header = MsgHeader {
            repsize: u32::try_from(repsize)?,
            flags: if conn.at { MSGHDR_AT_SUPPORT } else { 0 },
            ..MsgHeader::default()
        };
        let mut body = PtlrpcBody {
            op_flags,
            timeout: REPLY_TIMEOUT_MS / 1000,
            ..PtlrpcBody::request(opc, xid, conn.handle, conn.conn_cnt)
        };
        // Room for an early reply before the final one, in a power of two
        // as Lustre sizes reply buffers.
        let reply_len = (repsize + AT_REPLY_OFFSET as usize).next_power_of_two();
        let size = packed_size(bufs).map_err(|_| EINVAL)?;
        for attempt in 0..SENDS {
            if attempt > 0 {
                warn_ratelimited(format_args!(
                    "{} at {}: no reply to {:?} (xid {}) in {} s, sending it again",
                    self.uuid(),
                    self.nid(),
                    opc,
                    xid,
                    REPLY_TIMEOUT_MS / 1000
                ));
                body.flags = MSG_RESENT;
            }
            let mut request = KVVec::from_elem(0u8, size, GFP_KERNEL)?;
            pack(&mut request, &header, &body, bufs).map_err(|_| EINVAL)?;
            match self.send(portal, xid, request, reply_len, conn.at) {
                Ok((buf, moved)) => return self.check_reply(opc, format, conn.at, buf, moved),
                Err(e) if e == EAGAIN => continue,
                Err(e) => return Err(e),
            }
        }
        warn_ratelimited(format_args!(
            "{} at {}: no reply to {:?} (xid {}) after {} sends",
            self.uuid(),
            self.nid(),
            opc,
            xid,
            SENDS
        ));
        Err(etimedout())
    }

    /// Sends `request` with XID `xid` to `portal` once and waits for its final reply in
    /// a buffer of `reply_len` bytes; early replies (at offset 0 when the
    /// target does adaptive timeouts) extend the wait.
    ///
    /// # Errors
    /// `EAGAIN` when no reply came in time; LNet's errors.
    fn send(
        &self,
        portal: u32,
        xid: u64,
        request: KVVec<u8>,
        reply_len: usize,
        at: bool,
    ) -> Result<(KVVec<u8>, Moved)> {
        let options = MdOptions {
            op_put: true,
            manage_remote: true,
            truncate: true,
            ..MdOptions::default()
        };
        let reply = MdBuf::attach(
            KVVec::from_elem(0u8, reply_len, GFP_KERNEL)?,
            MD_THRESH_INF,
            options,
            self.kind.reply_portal(),
            self.target(),
            xid,
            0,
        )?;
        let request = MdBuf::bind(request, 1)?;
        request.put(false, self.target(), portal, xid, 0, 0)?;
        // A send that fails (no connection could be made) fails the RPC.
        request.wait(EventKind::Send, 1, REPLY_TIMEOUT_MS)?;
        let mut puts = 1;
        let moved = loop {
            let moved = reply.wait(EventKind::Put, puts, REPLY_TIMEOUT_MS)?;
            if !(at && moved.offset == 0) {
                break moved;
            }
            puts += 1;
        };
        Ok((reply.into_buffer(), moved))
    }

    /// Checks a reply to `opc` that landed where `moved` says in `buf`.
    fn check_reply(
        &self,
        opc: Opcode,
        format: &RqFormat,
        at: bool,
        buf: KVVec<u8>,
        moved: Moved,
    ) -> Result<Reply> {
        let want = if at { AT_REPLY_OFFSET } else { 0 };
        if moved.offset != want {
            return Err(self.malformed(
                opc,
                WireError::BadField {
                    field: "reply offset",
                    value: moved.offset.into(),
                },
            ));
        }
        let reply =
            Reply::parse(buf, moved.offset, moved.length).map_err(|e| self.malformed(opc, e))?;
        let b = &reply.body;
        if b.opc != opc as u32 {
            return Err(self.malformed(
                opc,
                WireError::BadField {
                    field: "ptlrpc_body.pb_opc",
                    value: b.opc.into(),
                },
            ));
        }
        match b.msg_type {
            PTL_RPC_MSG_ERR | PTL_RPC_MSG_REPLY if b.status < 0 => Err(status_error(b.status)),
            PTL_RPC_MSG_ERR => Err(EINVAL),
            PTL_RPC_MSG_REPLY => {
                reply
                    .check(&format.reply)
                    .map_err(|e| self.malformed(opc, e))?;
                Ok(reply)
            }
            t => Err(self.malformed(
                opc,
                WireError::BadField {
                    field: "ptlrpc_body.pb_type",
                    value: t.into(),
                },
            )),
        }
    }

    /// Connects as client `cluuid`, asking for the connect flags `want`
    /// on top of those every import speaks (versions, adaptive timeouts);
    /// the target must grant those of `need`. Returns what it granted.
    ///
    /// # Errors
    /// As [`Import::rpc`]; `EPROTO` when the target grants a flag we did
    /// not ask for or refuses one we need.
    pub(crate) fn connect(&self, cluuid: &str, want: u64, need: u64) -> Result<ObdConnectData> {
        let ocd = ObdConnectData {
            connect_flags: want | need | BASE_FLAGS,
            version: CLIENT_VERSION,
            ..ObdConnectData::default()
        };
        let mut ocd_buf = [0u8; OBD_CONNECT_DATA_SIZE];
        ocd.encode(&mut ocd_buf).map_err(|_| EINVAL)?;
        let tgt = uuid_buf(self.uuid.as_bytes())?;
        let cl = uuid_buf(cluuid.as_bytes())?;
        let handle = self.local_handle.to_le_bytes();
        let conn_cnt = {
            let mut c = self.conn.lock();
            c.conn_cnt += 1;
            // Connects go without adaptive timeouts: the reply says
            // whether the target does them.
            c.at = false;
            c.conn_cnt
        };
        let flags = if conn_cnt == 1 {
            MSG_CONNECT_INITIAL
        } else {
            0
        };
        let opc = self.kind.connect_opc();
        let reply = self.rpc_with(
            self.kind.request_portal(),
            opc,
            flags,
            &format::CONNECT,
            &[&tgt, &cl, &handle, &ocd_buf],
            0,
        )?;
        let got = ObdConnectData::decode(reply.buffer(1)?, reply.order())
            .map_err(|e| self.malformed(opc, e))?;
        let granted = got.connect_flags;
        if granted & !ocd.connect_flags != 0 || got.connect_flags2 & !ocd.connect_flags2 != 0 {
            return Err(self.malformed(
                opc,
                WireError::BadField {
                    field: "obd_connect_data.ocd_connect_flags",
                    value: granted,
                },
            ));
        }
        let missing = (need | OBD_CONNECT_FULL20) & !granted;
        if missing != 0 {
            warn_ratelimited(format_args!(
                "{} at {}: does not grant connect flags {:#x} that we need",
                self.uuid(),
                self.nid(),
                missing
            ));
            return Err(eproto());
        }
        let mut c = self.conn.lock();
        c.handle = reply.body.handle;
        c.at = granted & OBD_CONNECT_AT != 0;
        Ok(got)
    }

    /// Disconnects from the target. The import is not connected after it,
    /// whatever the target answered.
    ///
    /// # Errors
    /// As [`Import::rpc`].
    pub(crate) fn disconnect(&self) -> Result {
        let r = self.rpc(self.kind.disconnect_opc(), &format::BODY_ONLY, &[], 0);
        let mut c = self.conn.lock();
        c.handle = 0;
        c.at = false;
        r.map(drop)
    }
}

/// A UUID buffer of a connect request: the name, NUL-padded to
/// [`UUID_BUF`] bytes, as Lustre's clients send it.
fn uuid_buf(uuid: &[u8]) -> Result<[u8; UUID_BUF]> {
    let mut b = [0u8; UUID_BUF];
    b.get_mut(..uuid.len())
        .filter(|_| uuid.len() < UUID_BUF)
        .ok_or(EINVAL)?
        .copy_from_slice(uuid);
    Ok(b)
}

/// The error of a negative `pb_status` (Linux's numbers on the wire).
fn status_error(status: i32) -> Error {
    if status > -4096 {
        Error::from_errno(status)
    } else {
        eproto()
    }
}
