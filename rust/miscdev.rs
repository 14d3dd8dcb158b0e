// SPDX-License-Identifier: GPL-2.0

//! A misc character device (`/dev/<name>`) that answers ioctls.
//!
//! The compat shim owns the `miscdevice` and checks each ioctl's type and
//! direction; the handler gets the number and the user buffer. The shim
//! stops calling the handler before [`MiscDevice`]'s drop returns, so the
//! handler outlives every call.

use kernel::error::to_result;
use kernel::ffi::{c_long, c_uint, c_ulong, c_void};
use kernel::prelude::*;
use kernel::str::CStr;
use kernel::sync::Arc;
use kernel::uaccess::UserSlice;

use crate::compat::bindings as c;

/// What answers the ioctls of a [`MiscDevice`].
pub trait IoctlHandler: Send + Sync {
    /// Handles ioctl number `nr`, whose argument is the user buffer `arg`
    /// (read and written).
    fn ioctl(&self, nr: u32, arg: UserSlice) -> Result;
}

/// A registered misc device; one per module. Deregistered when dropped.
pub struct MiscDevice<T: IoctlHandler> {
    /// Keeps the handler alive while the shim may call it.
    _handler: Arc<T>,
}

impl<T: IoctlHandler> MiscDevice<T> {
    /// Registers `/dev/<name>`, whose read-write ioctls of type `ioc_type`
    /// go to `handler`.
    ///
    /// # Errors
    /// The errno of `misc_register` (`EBUSY` when the name is taken).
    pub fn register(name: &'static CStr, ioc_type: u8, handler: Arc<T>) -> Result<Self> {
        let ctx = core::ptr::from_ref::<T>(&handler)
            .cast_mut()
            .cast::<c_void>();
        // SAFETY: `name` lives forever; `ctx` stays valid until `drop`
        // deregisters, because `self` holds a reference to the handler.
        to_result(unsafe {
            c::rustre_misc_register(name.as_char_ptr(), ioc_type, Some(ioctl::<T>), ctx)
        })?;
        Ok(MiscDevice { _handler: handler })
    }
}

impl<T: IoctlHandler> Drop for MiscDevice<T> {
    fn drop(&mut self) {
        // SAFETY: registered in `register`; after this call the shim calls
        // the handler no more, so the handler may go with `self`.
        unsafe { c::rustre_misc_deregister() };
    }
}

/// The shim's ioctl callback.
///
/// # Safety
/// `ctx` is the pointer that `register` gave, whose handler is alive.
unsafe extern "C" fn ioctl<T: IoctlHandler>(
    ctx: *mut c_void,
    nr: c_uint,
    size: c_uint,
    arg: c_ulong,
) -> c_long {
    // SAFETY: the caller's contract.
    let handler = unsafe { &*ctx.cast::<T>() };
    match handler.ioctl(nr, UserSlice::new(arg, size as usize)) {
        Ok(()) => 0,
        Err(e) => e.to_errno() as c_long,
    }
}
