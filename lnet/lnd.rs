// SPDX-License-Identifier: GPL-2.0

//! What the LNet core asks of a network driver (Lustre's `lnet_lnd`): a
//! [`Link`] that messages to a peer are queued on, and, for a message being
//! received, its payload ([`Rx`]).
//!
//! There are two drivers: socklnd's connections (`socklnd/conn.rs`), and
//! the loopback (`lolnd.rs`), which carries the messages that a node sends
//! to itself, at `0@lo` or at one of its own NIDs. The core's handling of
//! PUT, GET, REPLY and ACK (`ni.rs`, `lib_move.rs`) is written once, over
//! these traits.

use core::fmt::Display;

use kernel::prelude::*;

use crate::frag::Frag;
use crate::socklnd::tx::Tx;

/// The two ends of a link.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ends {
    /// Our NID.
    pub local_nid: u64,
    /// The peer's NID.
    pub peer_nid: u64,
    /// The peer's PID.
    pub peer_pid: u32,
}

/// A way to a peer.
pub(crate) trait Link {
    /// Who is at either end.
    fn ends(&self) -> Ends;

    /// Queues `tx`; a failure is its event's status.
    fn post(&self, tx: Tx);
}

/// A message being received on a link: its payload, read in order.
pub(crate) trait Rx: Link {
    /// Reads the next bytes of payload into `dst`, as many as it holds.
    ///
    /// # Safety
    /// The fragments of `dst` are valid for writes, and nothing else reads
    /// or writes them meanwhile.
    unsafe fn recv_frags(&self, dst: &[Frag]) -> Result;

    /// Reads the next `buf.len()` bytes of payload into `buf`.
    fn recv(&self, buf: &mut [u8]) -> Result {
        let len = u32::try_from(buf.len()).map_err(|_| EINVAL)?;
        // SAFETY: `buf` is a slice we hold exclusively.
        unsafe { self.recv_frags(&[Frag::mem(buf.as_mut_ptr(), len)]) }
    }

    /// Skips the next `len` bytes of payload.
    fn skip(&self, len: usize) -> Result;

    /// Logs a malformed message from the peer and returns `EPROTO`.
    fn malformed(&self, e: impl Display) -> Error;
}
