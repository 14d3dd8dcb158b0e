// SPDX-License-Identifier: GPL-2.0

//! Transfer ids (XIDs): the match bits of a request and of its reply.
//!
//! As in Lustre, XIDs start from the wall-clock time, so that a client
//! that comes back after a restart does not reuse XIDs a server still
//! remembers, and step by [`XID_STEP`]: a request with bulk buffers uses
//! the XIDs below its own as their match bits.

use core::sync::atomic::{AtomicU64, Ordering};

use crate::klog::real_time_ns;

/// The XIDs one request reserves (`PTLRPC_BULK_OPS_COUNT`).
const XID_STEP: u64 = 128;

/// The next XID of this module, a multiple of [`XID_STEP`].
pub(crate) fn next_xid() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let start = (real_time_ns() / 1_000_000_000) << 20;
    // Only the first caller's start counts.
    let _ = NEXT.compare_exchange(0, start, Ordering::Relaxed, Ordering::Relaxed);
    NEXT.fetch_add(XID_STEP, Ordering::Relaxed)
}
