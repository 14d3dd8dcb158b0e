//! ptlrpc: Lustre's RPC layer over LNet. A request or reply is one
//! `lustre_msg_v2`, a table of 8-byte aligned buffers whose first is the
//! `ptlrpc_body`; the XID is not in the message but in the LNet match bits.

/// The `ptlrpc_body` (buffer 0 of every message).
pub mod body;
/// The buffer lists of the RPCs.
pub mod format;
/// The `lustre_msg_v2` container.
pub mod msg;
/// RPC opcodes.
pub mod opcode;
/// Building a whole message.
pub mod pack;
/// The portals of the services.
pub mod portal;
/// The kinds of target.
pub mod target;
