// The module tree of the wire crate. Included by lib.rs for userspace and by
// the kernel crates through `#[path]`, so it holds only items (no inner
// attributes or docs).

/// The error type of every decoder and encoder.
pub mod error;

/// Checked field access in byte buffers of either byte order.
pub mod codec;

/// Fixed-layout structures declared once, with asserted offsets.
pub mod layout;

/// LNet network identifiers (`192.168.1.10@tcp`) and their 64-bit encoding.
pub mod nid;

/// The device string of a Lustre mount: `<mgsnid>[:<mgsnid>]:/<fsname>`.
pub mod mount_source;

/// LNet: message headers, the acceptor's request, pings.
pub mod lnet;

/// socklnd, LNet's TCP transport: HELLO and message framing.
pub mod socklnd;

/// ptlrpc: the message container, its body and the opcodes.
pub mod ptlrpc;

/// Lustre structures carried in ptlrpc buffers, llog files and
/// configuration records.
pub mod lustre;
