// SPDX-License-Identifier: GPL-2.0

//! The C-ABI API that `lnet.ko` exports to its users: declared in
//! `lnet/api.h`, implemented here, exported by `lnet/exports.c`.
//!
//! The functions reach LNet through [`STATE`], which the module sets before
//! its init returns and clears in its exit. Users are modules that link to
//! these symbols, so the kernel loads them only after `lnet.ko`'s init has
//! finished and unloads them before its exit starts: no call can see the
//! state change. The first call that needs the network brings it up, as
//! `LNetNIInit()` does in Lustre.

use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};

use kernel::ffi::{c_int, c_uint, c_ulonglong};
use kernel::page::PAGE_SIZE;
use kernel::prelude::*;
use kernel::sync::Arc;

use crate::ctl::LnetCtl;
use crate::frag::Frag;
use crate::md::{MatchEntry, MdSpec, Memory};
use crate::ni::Lnet;

/// The declarations generated from `lnet/api.h`.
#[allow(
    dead_code,
    missing_docs,
    non_camel_case_types,
    unreachable_pub,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]
pub(crate) mod bindings {
    include!("../rust/generated/lnet_api.rs");
}

/// The version of this API (`LNET_API_VERSION`).
pub const LNET_API_VERSION: u32 = bindings::LNET_API_VERSION;

/// LNet's state while the module is loaded (an `Arc<LnetCtl>` turned raw).
static STATE: AtomicPtr<LnetCtl> = AtomicPtr::new(core::ptr::null_mut());

/// Publishes `state` to the API's functions.
pub(crate) fn set_state(state: Arc<LnetCtl>) {
    let old = STATE.swap(Arc::into_raw(state).cast_mut(), Ordering::AcqRel);
    drop_state(old);
}

/// Withdraws the state from the API's functions.
pub(crate) fn clear_state() {
    drop_state(STATE.swap(core::ptr::null_mut(), Ordering::AcqRel));
}

fn drop_state(ptr: *mut LnetCtl) {
    if !ptr.is_null() {
        // SAFETY: `ptr` came from `Arc::into_raw` in `set_state` and left
        // `STATE` in the swap, so this is its only release.
        drop(unsafe { Arc::from_raw(ptr) });
    }
}

/// LNet, with its network up.
fn lnet() -> Result<Arc<Lnet>> {
    let ptr = STATE.load(Ordering::Acquire);
    if ptr.is_null() {
        return Err(ENODEV);
    }
    // SAFETY: the state is set while users can call (see the module's
    // documentation), and `STATE` keeps its reference meanwhile.
    let state = unsafe { &*ptr };
    state.up()
}

/// Turns a result into the API's return value.
fn rc(res: Result) -> c_int {
    match res {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// Reads the user's MD description.
///
/// # Safety
/// `md` is null or points to a valid `lnet_md`.
unsafe fn md_spec(md: *const bindings::lnet_md) -> Result<MdSpec> {
    // SAFETY: the caller's contract.
    let md = unsafe { md.as_ref() }.ok_or(EINVAL)?;
    let (mem, len) = if md.options & bindings::LNET_MD_KIOV != 0 {
        // SAFETY: the caller's contract: with LNET_MD_KIOV, `start` is an
        // array of `length` fragments.
        unsafe { kiov(md.start.cast(), md.length) }?
    } else {
        let ptr = NonNull::new(md.start.cast()).ok_or(EINVAL)?;
        (Memory::Buf(ptr), md.length as usize)
    };
    Ok(MdSpec {
        mem,
        len,
        threshold: md.threshold,
        options: md.options,
        handler: md.handler,
        user_ptr: md.user_ptr,
    })
}

/// Copies and checks the user's page fragments: at most `LNET_MAX_IOV`,
/// each within its page. Returns them and their total length.
///
/// # Safety
/// `start` is null or points to `count` valid `lnet_kiov`s.
unsafe fn kiov(start: *const bindings::lnet_kiov, count: c_uint) -> Result<(Memory, usize)> {
    if start.is_null() || count > bindings::LNET_MAX_IOV {
        return Err(EINVAL);
    }
    // SAFETY: the caller's contract; `count` is small.
    let user = unsafe { core::slice::from_raw_parts(start, count as usize) };
    let mut frags = KVec::with_capacity(user.len(), GFP_KERNEL)?;
    let mut len = 0usize;
    for k in user {
        let end = k.offset.checked_add(k.len).ok_or(EINVAL)?;
        if k.page.is_null() || end as usize > PAGE_SIZE {
            return Err(EINVAL);
        }
        len += k.len as usize;
        frags.push(Frag::page(k.page.cast(), k.offset, k.len), GFP_KERNEL)?;
    }
    Ok((Memory::Kiov(frags), len))
}

/// Writes `handle` to the user's pointer.
///
/// # Safety
/// `out` is null or valid for writes.
unsafe fn put_handle(out: *mut c_ulonglong, handle: u64) -> Result {
    // SAFETY: the caller's contract.
    let out = unsafe { out.as_mut() }.ok_or(EINVAL)?;
    *out = handle;
    Ok(())
}

/// Returns the API version that this `lnet.ko` implements.
#[no_mangle]
pub extern "C" fn lnet_api_version() -> c_uint {
    LNET_API_VERSION
}

/// `lnet_md_attach()` of `api.h`.
///
/// # Safety
/// As documented in `api.h`: `md` and `handle` are valid; the MD's memory
/// and handler stay valid until its last event.
#[no_mangle]
pub unsafe extern "C" fn lnet_md_attach(
    portal: c_uint,
    match_id: bindings::lnet_process_id,
    match_bits: c_ulonglong,
    ignore_bits: c_ulonglong,
    md: *const bindings::lnet_md,
    handle: *mut c_ulonglong,
) -> c_int {
    let me = MatchEntry {
        portal,
        nid: match_id.nid,
        pid: match_id.pid,
        match_bits,
        ignore_bits,
    };
    rc((|| {
        // SAFETY: the caller's contract.
        let spec = unsafe { md_spec(md) }?;
        // SAFETY: the caller's contract on the memory.
        let h = unsafe { lnet()?.md_link(spec, Some(me)) }?;
        // SAFETY: the caller's contract.
        unsafe { put_handle(handle, h) }
    })())
}

/// `lnet_md_bind()` of `api.h`.
///
/// # Safety
/// As for [`lnet_md_attach`].
#[no_mangle]
pub unsafe extern "C" fn lnet_md_bind(
    md: *const bindings::lnet_md,
    handle: *mut c_ulonglong,
) -> c_int {
    rc((|| {
        // SAFETY: the caller's contract.
        let spec = unsafe { md_spec(md) }?;
        // SAFETY: the caller's contract on the memory.
        let h = unsafe { lnet()?.md_link(spec, None) }?;
        // SAFETY: the caller's contract.
        unsafe { put_handle(handle, h) }
    })())
}

/// `lnet_md_unlink()` of `api.h`.
#[no_mangle]
pub extern "C" fn lnet_md_unlink(handle: c_ulonglong) -> c_int {
    rc(lnet().and_then(|l| l.md_unlink(handle)))
}

/// `lnet_put()` of `api.h`.
#[no_mangle]
pub extern "C" fn lnet_put(
    handle: c_ulonglong,
    ack: c_int,
    target: bindings::lnet_process_id,
    portal: c_uint,
    match_bits: c_ulonglong,
    offset: c_uint,
    hdr_data: c_ulonglong,
) -> c_int {
    rc(lnet().and_then(|l| {
        l.put(
            handle,
            ack != 0,
            (target.nid, target.pid),
            portal,
            match_bits,
            offset,
            hdr_data,
        )
    }))
}

/// `lnet_get()` of `api.h`.
#[no_mangle]
pub extern "C" fn lnet_get(
    handle: c_ulonglong,
    target: bindings::lnet_process_id,
    portal: c_uint,
    match_bits: c_ulonglong,
    offset: c_uint,
) -> c_int {
    rc(lnet().and_then(|l| l.get(handle, (target.nid, target.pid), portal, match_bits, offset)))
}
