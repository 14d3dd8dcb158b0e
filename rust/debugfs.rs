// SPDX-License-Identifier: GPL-2.0

//! A read-only debugfs file (`/sys/kernel/debug/<dir>/<name>`) whose
//! contents a [`Show`] writes at each read.

use core::fmt::{self, Write};
use core::ptr::NonNull;

use kernel::ffi::{c_char, c_ulong, c_void};
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;

use crate::compat::bindings as c;

/// What a debugfs file shows.
pub trait Show: Send + Sync {
    /// Writes the file's contents.
    fn show(&self, out: &mut dyn Write) -> fmt::Result;
}

/// A debugfs file, removed when dropped.
pub struct DebugfsFile<T: Show> {
    raw: NonNull<c::rustre_debugfs>,
    /// Keeps the shower alive while the file may be read.
    _show: Arc<T>,
}

// SAFETY: the handle is only used to remove the file, from any thread.
unsafe impl<T: Show> Send for DebugfsFile<T> {}
// SAFETY: `&DebugfsFile` gives no access to anything.
unsafe impl<T: Show> Sync for DebugfsFile<T> {}

impl<T: Show> DebugfsFile<T> {
    /// Creates `/sys/kernel/debug/<dir>/<name>`, shown by `show`.
    ///
    /// # Errors
    /// `ENOMEM`.
    pub fn create(dir: &'static CStr, name: &'static CStr, show: Arc<T>) -> Result<Self> {
        let ctx = core::ptr::from_ref::<T>(&show).cast_mut().cast::<c_void>();
        // SAFETY: the names live forever; `ctx` stays valid until `drop`
        // removes the file, as `self` holds a reference to the shower.
        let raw = unsafe {
            c::rustre_debugfs_create(
                dir.as_char_ptr(),
                name.as_char_ptr(),
                Some(show_cb::<T>),
                ctx,
            )
        };
        let raw = NonNull::new(raw).ok_or(ENOMEM)?;
        Ok(DebugfsFile { raw, _show: show })
    }
}

impl<T: Show> Drop for DebugfsFile<T> {
    fn drop(&mut self) {
        // SAFETY: created in `create`; no read runs after this returns.
        unsafe { c::rustre_debugfs_remove(self.raw.as_ptr()) };
    }
}

/// Writes into a byte buffer, dropping what does not fit.
struct BufWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl Write for BufWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len() - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// The shim's show callback.
///
/// # Safety
/// `ctx` is the pointer `create` gave, whose shower is alive; `buf` is valid
/// for writes of `size` bytes.
unsafe extern "C" fn show_cb<T: Show>(
    ctx: *mut c_void,
    buf: *mut c_char,
    size: c_ulong,
) -> c_ulong {
    // SAFETY: the caller's contract.
    let shower = unsafe { &*ctx.cast::<T>() };
    // SAFETY: the caller's contract; the buffer is ours during the call.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf, size) };
    let mut w = BufWriter { buf, len: 0 };
    // A shower's error only cuts the contents short.
    let _ = shower.show(&mut w);
    w.len
}
