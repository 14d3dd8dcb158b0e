// SPDX-License-Identifier: GPL-2.0

//! Joinable kernel threads.
//!
//! [`KThread::spawn`] runs a closure in a new kernel thread; the handle it
//! returns joins the thread when dropped (or by [`KThread::join`]). The
//! compat shim ends each thread with `kthread_complete_and_exit()`, so once a
//! thread is joined none of the module's code runs in it any more: joining
//! every thread is enough before the module unloads. A thread stops because
//! its closure returns; asking it to (a flag, a socket shut down) is the
//! owner's business.

use core::ptr::NonNull;

use kernel::alloc::KBox;
use kernel::ffi::c_void;
use kernel::prelude::*;
use kernel::str::CStr;

use crate::compat::bindings as c;

/// A running (or finished, not yet joined) kernel thread.
pub struct KThread {
    raw: NonNull<c::rustre_kthread>,
}

// SAFETY: the handle is only used to join the thread, which any thread may
// do, once.
unsafe impl Send for KThread {}

impl KThread {
    /// Starts `f` in a new kernel thread called `name`.
    ///
    /// # Errors
    /// `ENOMEM` when the closure or the thread cannot be allocated.
    pub fn spawn<F: FnOnce() + Send + 'static>(name: &CStr, f: F) -> Result<KThread> {
        let data = KBox::into_raw(KBox::new(f, GFP_KERNEL)?);
        // SAFETY: `run::<F>` takes back the box that `data` came from, once;
        // `name` is a NUL-terminated string that the shim copies.
        let raw = unsafe { c::rustre_kthread_run(Some(run::<F>), data.cast(), name.as_char_ptr()) };
        match NonNull::new(raw) {
            Some(raw) => Ok(KThread { raw }),
            None => {
                // SAFETY: the thread did not start, so `data` is still ours.
                drop(unsafe { KBox::from_raw(data) });
                Err(ENOMEM)
            }
        }
    }

    /// Waits until the thread's closure has returned.
    pub fn join(self) {
        drop(self);
    }
}

impl Drop for KThread {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `rustre_kthread_run` and is joined only
        // here, once.
        unsafe { c::rustre_kthread_join(self.raw.as_ptr()) };
    }
}

/// The thread's entry point: runs the closure boxed at `data`.
///
/// # Safety
/// `data` is a `KBox<F>` turned into a raw pointer, used only here.
unsafe extern "C" fn run<F: FnOnce()>(data: *mut c_void) {
    // SAFETY: the caller's contract.
    let f = unsafe { KBox::from_raw(data.cast::<F>()) };
    KBox::into_inner(f)();
}
