// SPDX-License-Identifier: GPL-2.0

//! The memory an [`MdBuf`](super::MdBuf) lends to LNet ([`MdMemory`]): a
//! contiguous `KVVec<u8>`, or [`Pages`], which LNet reaches through a
//! page array (`LNET_MD_KIOV`) without mapping them, as Lustre's bulk I/O
//! does with the pages of a file.

use kernel::alloc::KVVec;
use kernel::ffi::c_void;
use kernel::page::{Page, PAGE_SIZE};
use kernel::prelude::*;

use super::bindings;

/// What `lnet_md` is told of a memory.
pub struct Described {
    pub(super) start: *mut c_void,
    pub(super) length: u32,
    pub(super) options: u32,
    /// The page array that `start` points to, kept until the MD is linked
    /// (LNet copies it).
    _kiov: KVec<bindings::lnet_kiov>,
}

/// Memory that an MD can be made of. Its owner, the `MdBuf`, keeps it in
/// place and untouched while LNet may use it.
pub trait MdMemory {
    /// Describes the memory for `lnet_md`.
    ///
    /// # Errors
    /// `EINVAL` for memory that no MD can describe (over 4 GiB, or more
    /// than `LNET_MAX_IOV` pages; LNet itself refuses more than 1 MiB).
    fn describe(&mut self) -> Result<Described>;
}

impl MdMemory for KVVec<u8> {
    fn describe(&mut self) -> Result<Described> {
        Ok(Described {
            start: self.as_mut_ptr().cast(),
            length: u32::try_from(self.len()).map_err(|_| EINVAL)?,
            options: 0,
            _kiov: KVec::new(),
        })
    }
}

/// `len` bytes over as many pages as they take, each full but the last.
pub struct Pages {
    pages: KVec<Page>,
    len: usize,
}

impl Pages {
    /// `len` zeroed bytes.
    ///
    /// # Errors
    /// `ENOMEM`.
    pub fn new(len: usize) -> Result<Self> {
        let mut pages = KVec::with_capacity(len.div_ceil(PAGE_SIZE), GFP_KERNEL)?;
        for _ in 0..len.div_ceil(PAGE_SIZE) {
            pages.push(Page::alloc_page(GFP_KERNEL | __GFP_ZERO)?, GFP_KERNEL)?;
        }
        Ok(Pages { pages, len })
    }

    /// A copy of `data`.
    ///
    /// # Errors
    /// `ENOMEM`.
    pub fn from_slice(data: &[u8]) -> Result<Self> {
        let pages = Self::new(data.len())?;
        for (page, chunk) in pages.pages.iter().zip(data.chunks(PAGE_SIZE)) {
            // SAFETY: `chunk` is valid for reads of its length, at most a
            // page.
            unsafe { page.write_raw(chunk.as_ptr(), 0, chunk.len()) }?;
        }
        Ok(pages)
    }

    /// A copy of the bytes.
    ///
    /// # Errors
    /// `ENOMEM`.
    pub fn to_kvvec(&self) -> Result<KVVec<u8>> {
        let mut out = KVVec::from_elem(0u8, self.len, GFP_KERNEL)?;
        for (page, chunk) in self.pages.iter().zip(out.chunks_mut(PAGE_SIZE)) {
            // SAFETY: `chunk` is valid for writes of its length, at most a
            // page.
            unsafe { page.read_raw(chunk.as_mut_ptr(), 0, chunk.len()) }?;
        }
        Ok(out)
    }
}

impl MdMemory for Pages {
    fn describe(&mut self) -> Result<Described> {
        let mut kiov = KVec::with_capacity(self.pages.len(), GFP_KERNEL)?;
        let mut left = self.len;
        for page in self.pages.iter() {
            let len = left.min(PAGE_SIZE);
            left -= len;
            let k = bindings::lnet_kiov {
                page: page.as_ptr().cast(),
                offset: 0,
                // At most a page.
                len: len as u32,
            };
            kiov.push(k, GFP_KERNEL)?;
        }
        Ok(Described {
            start: kiov.as_mut_ptr().cast(),
            length: u32::try_from(kiov.len()).map_err(|_| EINVAL)?,
            options: bindings::LNET_MD_KIOV,
            _kiov: kiov,
        })
    }
}
