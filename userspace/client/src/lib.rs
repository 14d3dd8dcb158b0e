//! The Rustre userspace client library: what a Lustre client does, over
//! the userspace LNet and ptlrpc, for tests and for comparing the kernel
//! client with.
//!
//! So far: the MGC ([`Mgc`]) connects to the MGS, takes the configuration
//! lock and reads configuration logs; [`FsConfig::from_client_log`] turns
//! the `<fsname>-client` log into the file system's targets; the MDC
//! ([`Mdc`]) runs the namespace operations on an MDT, the OSC ([`Osc`])
//! the object operations on an OST; a [`Client`] is a whole mount, with
//! striped file I/O.

mod client;
mod config;
mod connected;
mod ldlm;
mod mdc;
mod mgc;
mod osc;

pub use client::{Client, File};
pub use config::{FsConfig, TargetInfo};
pub use connected::Connected;
pub use ldlm::{ClientLocks, Granted};
pub use mdc::{Attr, Mdc, Opened, SetAttr};
pub use mgc::Mgc;
pub use osc::Osc;
