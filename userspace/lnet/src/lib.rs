//! LNet over TCP in userspace: enough of LNet and socklnd for the Rustre
//! server and our test tools to talk to Lustre nodes (our `lnet.ko`, or a
//! real Lustre 2.15/2.16 node) on port 988.
//!
//! A [`Node`] has one NID. It listens (the acceptor: the connection request,
//! the privileged-port rule, the socklnd HELLO, answered in the peer's
//! protocol version), connects out on demand from a privileged port with the
//! three typed connections of socklnd V3 (control, bulk in, bulk out), and
//! runs one receiving thread per connection. It answers LNet pings and pings
//! other nodes, and hands the PUTs and GETs that peers send to a portal to
//! the [`Portal`] service attached there (ACKs and REPLYs are its own job),
//! and PUTs and GETs to other nodes ([`Node::put`], [`Node::get`]). All the
//! protocol checks come from the wire crate
//! (`rustre-wire`), which `lnet.ko` shares.
//!
//! Locking: [`Node`] keeps its peers' connections in one mutex and its
//! outstanding GETs in another; neither is held while a socket is written
//! or read, and they never nest. Each connection serialises its senders with
//! its own mutex, so a message is never interleaved with another.

mod acceptor;
mod conn;
mod error;
mod node;
mod peer;
mod portal;

pub use conn::fmt_nid;
pub use error::Error;
pub use node::{connect_from, AcceptMode, Config, Node, PingReply, SourcePort};
pub use portal::{EchoPortal, IncomingPut, Portal, ProcessId};
pub use wire;
