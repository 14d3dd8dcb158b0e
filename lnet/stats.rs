// SPDX-License-Identifier: GPL-2.0

//! LNet's counters (`lnet_counters`), shown in
//! `/sys/kernel/debug/lnet/stats` in Lustre's format, one line:
//!
//! ```text
//! msgs_alloc msgs_max errors send_count recv_count route_count drop_count \
//!     send_length recv_length route_length drop_length
//! ```
//!
//! We keep no message pool and do not route, so `msgs_alloc`, `msgs_max`
//! and the route counters are 0. The counters live as long as the module,
//! across `lctl network down` and up. socklnd's keepalive counters are in
//! `/sys/kernel/debug/socklnd/stats`, with its zero-copy counters.

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU64, Ordering};

use kernel::sync::Arc;

use crate::debugfs::Show;

/// The counters.
#[derive(Default)]
pub(crate) struct Stats {
    errors: AtomicU64,
    send_count: AtomicU64,
    recv_count: AtomicU64,
    drop_count: AtomicU64,
    send_length: AtomicU64,
    recv_length: AtomicU64,
    drop_length: AtomicU64,
    keepalives_sent: AtomicU64,
    keepalives_received: AtomicU64,
    zc_sent: AtomicU64,
    zc_acked: AtomicU64,
}

impl Stats {
    /// A message with `len` bytes of payload was sent.
    pub(crate) fn sent(&self, len: usize) {
        self.send_count.fetch_add(1, Ordering::Relaxed);
        self.send_length.fetch_add(len as u64, Ordering::Relaxed);
    }

    /// A message with `len` bytes of payload was received.
    pub(crate) fn received(&self, len: usize) {
        self.recv_count.fetch_add(1, Ordering::Relaxed);
        self.recv_length.fetch_add(len as u64, Ordering::Relaxed);
    }

    /// A message with `len` bytes of payload was dropped: nothing took it.
    pub(crate) fn dropped(&self, len: usize) {
        self.drop_count.fetch_add(1, Ordering::Relaxed);
        self.drop_length.fetch_add(len as u64, Ordering::Relaxed);
    }

    /// A keepalive NOOP was sent.
    pub(crate) fn keepalive_sent(&self) {
        self.keepalives_sent.fetch_add(1, Ordering::Relaxed);
    }

    /// A keepalive NOOP was received.
    pub(crate) fn keepalive_received(&self) {
        self.keepalives_received.fetch_add(1, Ordering::Relaxed);
    }

    /// A payload was sent by reference (zero-copy), to be acknowledged.
    pub(crate) fn zc_sent(&self) {
        self.zc_sent.fetch_add(1, Ordering::Relaxed);
    }

    /// The peer acknowledged a zero-copy send.
    pub(crate) fn zc_acked(&self) {
        self.zc_acked.fetch_add(1, Ordering::Relaxed);
    }

    /// A peer broke the protocol.
    pub(crate) fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }
}

impl Show for Stats {
    fn show(&self, out: &mut dyn Write) -> fmt::Result {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        writeln!(
            out,
            "0 0 {} {} {} 0 {} {} {} 0 {}",
            get(&self.errors),
            get(&self.send_count),
            get(&self.recv_count),
            get(&self.drop_count),
            get(&self.send_length),
            get(&self.recv_length),
            get(&self.drop_length)
        )
    }
}

/// socklnd's own counters, in `/sys/kernel/debug/socklnd/stats`, one
/// `name value` pair a line.
pub(crate) struct SocklndStats(pub Arc<Stats>);

impl Show for SocklndStats {
    fn show(&self, out: &mut dyn Write) -> fmt::Result {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        writeln!(out, "keepalives_sent {}", get(&self.0.keepalives_sent))?;
        writeln!(
            out,
            "keepalives_received {}",
            get(&self.0.keepalives_received)
        )?;
        writeln!(out, "zc_sent {}", get(&self.0.zc_sent))?;
        writeln!(out, "zc_acked {}", get(&self.0.zc_acked))
    }
}
