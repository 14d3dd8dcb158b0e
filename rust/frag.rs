// SPDX-License-Identifier: GPL-2.0

//! Fragments of memory that data moves between (`struct rustre_frag` of the
//! compat shim): `len` bytes of kernel memory, or `len` bytes at an offset
//! in a page that need not be mapped.
//!
//! LNet's memory descriptors describe the range an operation uses as a list
//! of fragments; the socket layer (`Socket::send_frags`, `recv_frags`) and
//! the loopback ([`copy`]) move the data. A fragment is only a description:
//! whoever hands one to those functions promises that its memory is valid.

use kernel::error::to_result;
use kernel::prelude::*;

use crate::compat::bindings as c;

/// One fragment.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct Frag(c::rustre_frag);

impl Frag {
    /// `len` bytes at `addr`, in kernel memory.
    pub fn mem(addr: *mut u8, len: u32) -> Frag {
        Frag(c::rustre_frag {
            page: core::ptr::null_mut(),
            addr: addr.cast(),
            offset: 0,
            len,
        })
    }

    /// `len` bytes at `offset` in `page` (a `struct page *`).
    pub fn page(page: *mut c::page, offset: u32, len: u32) -> Frag {
        Frag(c::rustre_frag {
            page,
            addr: core::ptr::null_mut(),
            offset,
            len,
        })
    }

    /// Its length.
    pub fn len(&self) -> u32 {
        self.0.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// The part of it from `from`, `len` bytes long, both clamped to it.
    pub fn part(&self, from: u32, len: u32) -> Frag {
        let from = from.min(self.0.len);
        let len = len.min(self.0.len - from);
        let mut f = self.0;
        if f.page.is_null() {
            // `from` is within the fragment's memory.
            f.addr = f.addr.wrapping_byte_add(from as usize);
        } else {
            f.offset += from;
        }
        f.len = len;
        Frag(f)
    }

    /// The shim's view of a list.
    pub(crate) fn raw(frags: &[Frag]) -> (*const c::rustre_frag, u32) {
        // At most LNET_MAX_IOV fragments are ever listed; a longer list is
        // cut, and the call then fails on the length it was asked for.
        let n = u32::try_from(frags.len()).unwrap_or(u32::MAX);
        (frags.as_ptr().cast(), n)
    }
}

/// Copies `len` bytes from `src` to `dst` (which may overlap).
///
/// # Safety
/// The fragments of `src` are valid for reads and those of `dst` for
/// writes during the call, and nothing else writes them meanwhile.
///
/// # Errors
/// `EINVAL` when either list holds fewer than `len` bytes.
pub unsafe fn copy(dst: &[Frag], src: &[Frag], len: usize) -> Result {
    let (d, nd) = Frag::raw(dst);
    let (s, ns) = Frag::raw(src);
    // SAFETY: the lists are valid arrays of `nd` and `ns` fragments; the
    // memory is the caller's contract.
    to_result(unsafe { c::rustre_frags_copy(d, nd, s, ns, len as _) })
}
