// SPDX-License-Identifier: GPL-2.0

//! mgc: the client's connection to the MGS (Lustre's `mgc/mgc_request.c`).
//!
//! At mount, the client connects to the MGS and reads the file system's
//! client configuration log, `<fsname>-client`, which names its MDTs and
//! OSTs and the nodes that serve them (`config.rs` keeps what it says).
//! A log is read as Lustre reads it over the network:
//! `LLOG_ORIGIN_HANDLE_CREATE` opens it by name, `READ_HEADER` gets its
//! header (the last index and the bitmap of live records), then
//! `NEXT_BLOCK` gets it chunk by chunk until the last record (or
//! `-EBADR`, past the end).

mod config;

pub(crate) use config::{ConfigReader, FsConfig, TargetInfo};

use kernel::prelude::*;
use kernel::str::CString;
use kernel::sync::Arc;

use crate::ptlrpc::{Import, TargetKind};
use crate::wire::lustre::errno::EBADR;
use crate::wire::lustre::llog::{LlogHeader, LLOG_MIN_CHUNK_SIZE};
use crate::wire::lustre::llog_read::LlogCursor;
use crate::wire::lustre::mgs::{LlogdBody, LLOGD_BODY_SIZE};
use crate::wire::nid::Nid;
use crate::wire::ptlrpc::format;
use crate::wire::ptlrpc::opcode::Opcode;

/// The longest log name (`MTI_NAME_MAXLEN`).
const LOG_NAME_MAX: usize = 64;

/// A connection to the MGS.
pub(crate) struct Mgc {
    imp: Arc<Import>,
}

/// An `llogd_body` as a request buffer.
fn llogd(body: &LlogdBody) -> Result<[u8; LLOGD_BODY_SIZE]> {
    let mut b = [0u8; LLOGD_BODY_SIZE];
    body.encode(&mut b).map_err(|_| EINVAL)?;
    Ok(b)
}

impl Mgc {
    /// Connects to the MGS at `nid` as client `cluuid`.
    ///
    /// # Errors
    /// What the connect RPC gives.
    pub(crate) fn connect(nid: Nid, cluuid: &str) -> Result<Self> {
        let imp = Import::new(nid, TargetKind::Mgs, "MGS")?;
        imp.connect(cluuid, 0, 0)?;
        Ok(Mgc { imp })
    }

    /// Reads the log `name` and gives `f` the body (a `lustre_cfg`) of
    /// each of its live configuration records, in order.
    ///
    /// # Errors
    /// `ENOENT` for a log the MGS does not have; RPC errors; `EPROTO` for a
    /// malformed header or chunk; what `f` returns.
    pub(crate) fn read_log(&self, name: &str, mut f: impl FnMut(&[u8]) -> Result) -> Result {
        let mut name_buf = [0u8; LOG_NAME_MAX];
        name_buf
            .get_mut(..name.len())
            .filter(|_| name.len() < LOG_NAME_MAX)
            .ok_or(EINVAL)?
            .copy_from_slice(name.as_bytes());
        let name_buf = &name_buf[..=name.len()];
        let open = llogd(&LlogdBody::default())?;
        let reply = self.imp.rpc(
            Opcode::LlogOriginHandleCreate,
            &format::LLOG_ORIGIN_HANDLE_CREATE,
            &[&open, name_buf],
            0,
        )?;
        let log = LlogdBody::decode(reply.buffer(1)?, reply.order())?;
        let reply = self.imp.rpc(
            Opcode::LlogOriginHandleReadHeader,
            &format::LLOG_ORIGIN_HANDLE_READ_HEADER,
            &[&llogd(&log)?],
            0,
        )?;
        let mut cursor = LlogCursor::new(log, LlogHeader::decode(reply.buffer(1)?)?);
        while let Some(req) = cursor.next_request() {
            let reply = match self.imp.rpc(
                Opcode::LlogOriginHandleNextBlock,
                &format::LLOG_ORIGIN_HANDLE_NEXT_BLOCK,
                &[&llogd(&req)?],
                LLOG_MIN_CHUNK_SIZE as u32,
            ) {
                Err(e) if e.to_errno() == -EBADR => break,
                r => r?,
            };
            let body = LlogdBody::decode(reply.buffer(1)?, reply.order())?;
            cursor.chunk(&body, reply.buffer(2)?, &mut f)?;
        }
        Ok(())
    }

    /// Reads the client log of file system `fsname`.
    ///
    /// # Errors
    /// As [`Mgc::read_log`]; `EPROTO` for a log that names a target
    /// without its node.
    pub(crate) fn client_config(&self, fsname: &str) -> Result<FsConfig> {
        let name = CString::try_from_fmt(format_args!("{fsname}-client"))?;
        let name = name.to_str().map_err(|_| EINVAL)?;
        let mut reader = ConfigReader::new();
        self.read_log(name, |rec| reader.record(rec))?;
        Ok(reader.finish())
    }

    /// Disconnects from the MGS.
    ///
    /// # Errors
    /// What the disconnect RPC gives.
    pub(crate) fn disconnect(self) -> Result {
        self.imp.disconnect()
    }
}
