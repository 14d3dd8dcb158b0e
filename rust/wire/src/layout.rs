//! Fixed-layout structures declared once: [`wire_struct!`] turns a list of
//! fields with their types and the offsets that Lustre's headers give them
//! into a `repr(C)` layout whose size and offsets are asserted at compile
//! time, a plain Rust struct, and its checked `decode` and `encode`.
//!
//! Fields are integers (read in the sender's byte order), [`Bytes`] (names,
//! copied as they are), arrays of `u32` or `u64`, FIDs, or other structures
//! declared this way.

use super::codec::{Fields, FieldsMut};
use super::error::WireError;
use super::lustre::fid::{LuFid, LU_FID_SIZE};

/// A type that a field of a wire structure may have.
pub trait WireField: Sized {
    /// Reads the field at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not within the structure.
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError>;

    /// Writes the field at `off` (little-endian).
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not within the structure.
    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError>;
}

impl WireField for u8 {
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
        Ok(f.bytes::<1>(off)?[0])
    }

    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
        f.put_bytes(off, &[*self])
    }
}

impl WireField for u16 {
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
        f.u16(off)
    }

    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
        f.put_u16(off, *self)
    }
}

impl WireField for u32 {
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
        f.u32(off)
    }

    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
        f.put_u32(off, *self)
    }
}

impl WireField for u64 {
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
        f.u64(off)
    }

    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
        f.put_u64(off, *self)
    }
}

/// A fixed-size byte field: a NUL-padded name (`obd_uuid`, a pool name) or
/// opaque bytes, copied as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes<const N: usize>(pub [u8; N]);

impl<const N: usize> Default for Bytes<N> {
    fn default() -> Self {
        Bytes([0; N])
    }
}

impl<const N: usize> Bytes<N> {
    /// The bytes before the first NUL, when they are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(N);
        core::str::from_utf8(self.0.get(..len)?).ok()
    }
}

impl<const N: usize> WireField for Bytes<N> {
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
        f.bytes::<N>(off).map(Bytes)
    }

    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
        f.put_bytes(off, &self.0)
    }
}

/// Arrays of integers, element after element.
macro_rules! int_array_field {
    ($($t:ty),*) => {$(
        impl<const N: usize> WireField for [$t; N] {
            fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
                let mut out = [0; N];
                for (i, v) in out.iter_mut().enumerate() {
                    let at = i.saturating_mul(core::mem::size_of::<$t>());
                    *v = <$t>::get(f, off.saturating_add(at))?;
                }
                Ok(out)
            }

            fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
                for (i, v) in self.iter().enumerate() {
                    let at = i.saturating_mul(core::mem::size_of::<$t>());
                    v.put(f, off.saturating_add(at))?;
                }
                Ok(())
            }
        }
    )*};
}

int_array_field!(u32, u64);

impl WireField for LuFid {
    fn get(f: &Fields<'_>, off: usize) -> Result<Self, WireError> {
        Ok(LuFid {
            seq: f.u64(off)?,
            oid: f.u32(off.saturating_add(8))?,
            ver: f.u32(off.saturating_add(12))?,
        })
    }

    fn put(&self, f: &mut FieldsMut<'_>, off: usize) -> Result<(), WireError> {
        f.put_u64(off, self.seq)?;
        f.put_u32(off.saturating_add(8), self.oid)?;
        f.put_u32(off.saturating_add(LU_FID_SIZE - 4), self.ver)
    }
}

/// The `repr(C)` stand-in of a FID, for layouts: 16 bytes, 8-aligned.
#[allow(dead_code)]
#[repr(C)]
pub struct RawFid(u64, u32, u32);

/// Declares a fixed-layout wire structure; see the module's documentation.
///
/// ```text
/// wire_struct! {
///     /// Docs.
///     pub struct Name("c_name", RawName, NAME_SIZE = 24) {
///         /// Docs.
///         field @ 0: u64 = u64,
///         fid @ 8: LuFid = RawFid,
///     }
/// }
/// ```
/// Each field has its offset, its Rust type and its `repr(C)` type; the
/// offsets and the size are asserted against the `repr(C)` layout.
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident($what:literal, $raw:ident, $size_name:ident = $size:literal) {
            $( $(#[$fmeta:meta])* $field:ident @ $off:literal : $ty:ty = $raw_ty:ty ),* $(,)?
        }
    ) => {
        #[allow(dead_code)]
        #[repr(C)]
        struct $raw {
            $( $field: $raw_ty, )*
        }

        #[doc = concat!("The size of `", $what, "`.")]
        pub const $size_name: usize = $size;

        const _: () = {
            assert!(core::mem::size_of::<$raw>() == $size);
            $( assert!(core::mem::offset_of!($raw, $field) == $off); )*
        };

        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            #[doc = concat!("Decodes a `", $what, "` sent in byte order `order`.")]
            ///
            /// # Errors
            /// [`WireError::Short`](crate::wire::error::WireError::Short)
            /// when `buf` is shorter than the structure.
            pub fn decode(
                buf: &[u8],
                order: $crate::wire::codec::ByteOrder,
            ) -> Result<Self, $crate::wire::error::WireError> {
                let f = $crate::wire::codec::Fields::new($what, buf, $size, order)?;
                Self::read_fields(&f)
            }

            #[doc = concat!("Encodes the `", $what, "` into the start of `buf`.")]
            ///
            /// # Errors
            /// [`WireError::Short`](crate::wire::error::WireError::Short)
            /// when `buf` is too small.
            pub fn encode(&self, buf: &mut [u8]) -> Result<(), $crate::wire::error::WireError> {
                let mut f = $crate::wire::codec::FieldsMut::new($what, buf, $size)?;
                self.write_fields(&mut f)
            }

            fn read_fields(
                f: &$crate::wire::codec::Fields<'_>,
            ) -> Result<Self, $crate::wire::error::WireError> {
                use $crate::wire::layout::WireField;
                Ok($name { $( $field: <$ty as WireField>::get(f, $off)?, )* })
            }

            fn write_fields(
                &self,
                f: &mut $crate::wire::codec::FieldsMut<'_>,
            ) -> Result<(), $crate::wire::error::WireError> {
                use $crate::wire::layout::WireField;
                $( self.$field.put(f, $off)?; )*
                Ok(())
            }
        }

        /// A structure may be a field of another.
        impl $crate::wire::layout::WireField for $name {
            fn get(
                f: &$crate::wire::codec::Fields<'_>,
                off: usize,
            ) -> Result<Self, $crate::wire::error::WireError> {
                Self::read_fields(&f.sub($what, off, $size)?)
            }

            fn put(
                &self,
                f: &mut $crate::wire::codec::FieldsMut<'_>,
                off: usize,
            ) -> Result<(), $crate::wire::error::WireError> {
                self.write_fields(&mut f.sub_mut($what, off, $size)?)
            }
        }
    };
}

pub(crate) use wire_struct;
