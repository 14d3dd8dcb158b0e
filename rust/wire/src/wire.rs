// The module tree of the wire crate. Included by lib.rs for userspace and by
// the kernel crates through `#[path]`, so it holds only items (no inner
// attributes or docs).

/// LNet network identifiers (`192.168.1.10@tcp`) and their 64-bit encoding.
pub mod nid;

/// The device string of a Lustre mount: `<mgsnid>[:<mgsnid>]:/<fsname>`.
pub mod mount_source;
