// SPDX-License-Identifier: GPL-2.0

//! Rate-limited kernel log lines, for everything a peer can make happen
//! (bad connections, malformed messages), so that a misbehaving peer cannot
//! flood the log.

use core::fmt;

use kernel::str::CString;

use crate::compat::bindings as c;

/// Logs `args` as a warning, unless too many lines were logged recently.
pub fn warn_ratelimited(args: fmt::Arguments<'_>) {
    // Without memory for the line, there is nothing to log.
    if let Ok(line) = CString::try_from_fmt(args) {
        // SAFETY: `line` is NUL-terminated and lives during the call.
        unsafe { c::rustre_log_ratelimited(line.as_char_ptr()) };
    }
}

/// The wall-clock time in nanoseconds since the epoch.
pub fn real_time_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { c::rustre_time_real_ns() }
}
