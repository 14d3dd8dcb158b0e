//! The Rustre userspace client library: what a Lustre client does, over
//! the userspace LNet and ptlrpc, for tests and for comparing the kernel
//! client with.
//!
//! So far: the MGC ([`Mgc`]) connects to the MGS, takes the configuration
//! lock and reads configuration logs; [`FsConfig::from_client_log`] turns
//! the `<fsname>-client` log into the file system's targets; the MDC
//! ([`Mdc`]) runs the namespace operations on an MDT.

mod config;
mod mdc;
mod mgc;

pub use config::{FsConfig, TargetInfo};
pub use mdc::{Attr, Mdc, SetAttr};
pub use mgc::Mgc;
