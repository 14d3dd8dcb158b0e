// SPDX-License-Identifier: GPL-2.0

//! ptlrpc, the client side: Lustre's RPCs over the LNet API of `lnet.ko`
//! (Lustre's `ptlrpc/client.c`, `niobuf.c` and `import.c`).
//!
//! An [`Import`] is the client's connection to one target (an MGS, MDT or
//! OST). An RPC is a `lustre_msg_v2` that one LNet PUT carries to the
//! target's request portal, its XID as the match bits; the reply comes back
//! as a PUT from the target into a buffer attached to the import's reply
//! portal with the same match bits. The import keeps what the connect
//! established: the export handle sent in every request, the connection
//! count, and whether the target does adaptive timeouts (then its final
//! reply is written 224 bytes into the buffer, after room for an early
//! reply, which only says that the target is still at work).
//!
//! Message layout, reply offsets, resends and status codes stay in here:
//! callers give an opcode and the request's buffers, and get a [`Reply`]
//! whose buffers they decode with the wire crate's structures.

mod import;
mod reply;
mod xid;

pub(crate) use crate::wire::ptlrpc::target::TargetKind;
pub(crate) use import::Import;

use kernel::error::Error;

use crate::wire::error::WireError;

/// A malformed message from a target: `EPROTO`, and a rate-limited log
/// line that says what is wrong (the wire crate's checks name the field).
impl From<WireError> for Error {
    fn from(e: WireError) -> Self {
        crate::klog::warn_ratelimited(format_args!("malformed message: {e}"));
        crate::errno::eproto()
    }
}
