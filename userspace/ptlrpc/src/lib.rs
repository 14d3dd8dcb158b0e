//! ptlrpc in userspace, on the userspace LNet ([`rustre_lnet`]): what the
//! Rustre server and the client library need to exchange Lustre RPCs with
//! real Lustre nodes.
//!
//! - [`Message`] and [`pack`]: `lustre_msg_v2` messages, received (checked,
//!   in either byte order) and built.
//! - [`Service`] (server side): takes the requests that clients PUT to a
//!   request portal, runs them on worker threads through a [`Handler`], and
//!   PUTs each reply to the client's reply portal, with the request's XID as
//!   match bits, at offset 224 when the client does adaptive timeouts.
//! - [`Import`] (client side): a connection to one target: XIDs, the
//!   request PUT, the wait for the reply on the reply portal, and the
//!   connect, ping and disconnect RPCs; [`PortalBuffers`] hold what a
//!   client registers on its reply and bulk portals.
//!
//! Every length in a received message is checked by the wire crate before
//! anything reads it; a malformed request is logged and dropped, as a
//! Lustre server does, and a malformed reply is an [`Error::Protocol`].

mod buffers;
mod error;
mod import;
mod message;
mod service;

pub use buffers::PortalBuffers;
pub use error::Error;
pub use import::{Import, MSG_RESENT, XID_STEP};
pub use message::{pack, Message};
pub use rustre_lnet::wire::ptlrpc::target::TargetKind;
pub use service::{Corruption, Handler, Reply, Request, Service};
