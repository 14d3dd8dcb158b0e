//! The Lustre structures carried in ptlrpc buffers.

/// File identifiers (`struct lu_fid`).
pub mod fid;
