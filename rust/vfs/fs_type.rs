// SPDX-License-Identifier: GPL-2.0

//! A file system type: the [`FileSystem`] trait that a file system
//! implements, and its [`Registration`] with the VFS.
//!
//! The compat shim owns the kernel's `file_system_type` and operation tables;
//! it calls the fixed-prototype callbacks of `struct rustre_fs_callbacks`,
//! which the trampolines below implement for any [`FileSystem`].

use core::marker::PhantomData;

use kernel::error::to_result;
use kernel::ffi::{c_char, c_int, c_uint};
use kernel::prelude::*;
use kernel::str::CStr;

use super::{Dentry, Iattr, Inode, Kstat};
use crate::compat::bindings as c;

/// The operations of a file system, called by the VFS.
///
/// Errors are returned to the VFS as negative errnos.
pub trait FileSystem {
    /// Mounts the file system named by `source` (the device argument of
    /// mount(2)).
    fn get_tree(source: &CStr) -> Result;

    /// Whether `cached`, the name of a cached `dentry`, equals `name`.
    fn d_compare(dentry: &Dentry, cached: &[u8], name: &[u8]) -> bool;

    /// Whether the cached `dentry` may still be used; `flags` are the
    /// `LOOKUP_*` flags of the path walk.
    fn d_revalidate(dentry: &Dentry, flags: u32) -> Result<bool>;

    /// Checks that the caller may access `inode` with the `MAY_*` bits of
    /// `mask`.
    fn permission(inode: &Inode, mask: i32) -> Result;

    /// Fills `stat` for `inode`; `request_mask` holds the `STATX_*` bits asked
    /// for.
    fn getattr(inode: &Inode, request_mask: u32, stat: &Kstat) -> Result;

    /// Changes the attributes of the inode of `dentry` as `attr` says.
    fn setattr(dentry: &Dentry, attr: &Iattr) -> Result;
}

/// The file system type `T`, registered with the VFS for as long as this
/// value lives.
pub struct Registration<T: FileSystem> {
    _fs: PhantomData<T>,
}

impl<T: FileSystem> Registration<T> {
    const CALLBACKS: c::rustre_fs_callbacks = c::rustre_fs_callbacks {
        get_tree: Some(get_tree::<T>),
        d_compare: Some(d_compare::<T>),
        d_revalidate: Some(d_revalidate::<T>),
        permission: Some(permission::<T>),
        getattr: Some(getattr::<T>),
        setattr: Some(setattr::<T>),
    };

    /// Registers the file system type.
    pub fn new() -> Result<Self> {
        // SAFETY: the callbacks are a promoted constant, so they live for the
        // whole program, beyond the unregistration in `drop`.
        to_result(unsafe { c::rustre_register_filesystem(&Self::CALLBACKS) })?;
        Ok(Registration { _fs: PhantomData })
    }
}

impl<T: FileSystem> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: `new` registered the file system type, and this is the only
        // unregistration.
        unsafe { c::rustre_unregister_filesystem() };
    }
}

/// Turns a Rust result into the return value of a VFS callback.
fn to_errno(result: Result) -> c_int {
    match result {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// # Safety
/// `source` is a NUL-terminated string that outlives the call.
unsafe extern "C" fn get_tree<T: FileSystem>(
    _fc: *mut c::fs_context,
    source: *const c_char,
) -> c_int {
    // SAFETY: the shim passes `fc->source`, which the caller guarantees.
    let source = unsafe { CStr::from_char_ptr(source) };
    to_errno(T::get_tree(source))
}

/// # Safety
/// `dentry` is a live dentry; `str` and `name` point to `len` and
/// `name_len` readable bytes, all for the duration of the call.
unsafe extern "C" fn d_compare<T: FileSystem>(
    dentry: *const c::dentry,
    len: c_uint,
    str: *const c_char,
    name_len: c_uint,
    name: *const c_char,
) -> c_int {
    // SAFETY: the VFS keeps the dentry alive during d_compare.
    let dentry = unsafe { Dentry::from_raw(dentry) };
    // SAFETY: the VFS passes `len` bytes at `str` and the qstr's `name_len`
    // bytes at `name`, stable for the call (RCU-walk names are read under
    // the dentry's sequence count, and d_compare must not look at more).
    let (cached, name) = unsafe {
        (
            core::slice::from_raw_parts(str.cast::<u8>(), len as usize),
            core::slice::from_raw_parts(name.cast::<u8>(), name_len as usize),
        )
    };
    c_int::from(!T::d_compare(dentry, cached, name))
}

/// # Safety
/// `dentry` is a live dentry for the duration of the call.
unsafe extern "C" fn d_revalidate<T: FileSystem>(dentry: *mut c::dentry, flags: c_uint) -> c_int {
    // SAFETY: the VFS holds a reference to the dentry during d_revalidate.
    let dentry = unsafe { Dentry::from_raw(dentry) };
    match T::d_revalidate(dentry, flags) {
        Ok(valid) => c_int::from(valid),
        Err(e) => e.to_errno(),
    }
}

/// # Safety
/// `inode` is a live inode for the duration of the call.
unsafe extern "C" fn permission<T: FileSystem>(inode: *mut c::inode, mask: c_int) -> c_int {
    // SAFETY: the VFS holds a reference to the inode during permission.
    let inode = unsafe { Inode::from_raw(inode) };
    to_errno(T::permission(inode, mask))
}

/// # Safety
/// `inode` and `stat` are live for the duration of the call.
unsafe extern "C" fn getattr<T: FileSystem>(
    inode: *mut c::inode,
    request_mask: c_uint,
    stat: *mut c::kstat,
) -> c_int {
    // SAFETY: the VFS holds a reference to the inode and owns `stat`
    // during getattr.
    let (inode, stat) = unsafe { (Inode::from_raw(inode), Kstat::from_raw(stat)) };
    to_errno(T::getattr(inode, request_mask, stat))
}

/// # Safety
/// `dentry` and `attr` are live for the duration of the call.
unsafe extern "C" fn setattr<T: FileSystem>(dentry: *mut c::dentry, attr: *mut c::iattr) -> c_int {
    // SAFETY: the VFS holds a reference to the dentry and owns `attr`
    // during setattr.
    let (dentry, attr) = unsafe { (Dentry::from_raw(dentry), Iattr::from_raw(attr)) };
    to_errno(T::setattr(dentry, attr))
}
