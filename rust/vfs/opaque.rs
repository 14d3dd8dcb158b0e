// SPDX-License-Identifier: GPL-2.0

//! Borrowed views of kernel objects that the VFS hands to a callback.

/// Declares `$name`, a transparent wrapper of the kernel object `$c`, that
/// safe code only sees by reference, and its `from_raw`.
macro_rules! vfs_object {
    ($(#[$doc:meta])* $name:ident, $c:ty) => {
        $(#[$doc])*
        #[repr(transparent)]
        pub struct $name(kernel::types::Opaque<$c>);

        impl $name {
            /// Views `ptr` as a reference for the lifetime `'a`.
            ///
            /// # Safety
            /// `ptr` points to a live object that stays live, and is only
            /// changed by the kernel's own synchronisation, for `'a`.
            pub unsafe fn from_raw<'a>(ptr: *const $c) -> &'a Self {
                // SAFETY: `Self` is a transparent wrapper of `Opaque<$c>`,
                // itself transparent over `$c`; the caller guarantees the
                // object lives for `'a`.
                unsafe { &*ptr.cast::<Self>() }
            }

            /// The raw pointer, for the compat shim.
            pub fn as_ptr(&self) -> *mut $c {
                self.0.get()
            }
        }
    };
}

pub(super) use vfs_object;
