//! Checked access to fixed-layout little- or big-endian fields in byte
//! buffers, the basis of every decoder and encoder of the crate.
//!
//! Every read and write names its structure and is bounds-checked: a short
//! buffer is a [`WireError::Short`], never a panic. Lustre peers send most
//! structures in their own byte order and mark it with a magic number, so a
//! decoder first finds the [`ByteOrder`] from the magic, then reads every
//! field in it.

use super::error::WireError;

/// The byte order of a structure on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    /// Little-endian: what we send, and what x86_64 and ppc64le peers send.
    Little,
    /// Big-endian: a peer of the other byte order (the magic arrived swapped).
    Big,
}

impl ByteOrder {
    /// Finds the byte order from a magic number read little-endian: `Little`
    /// when it is `magic`, `Big` when it is `magic` swapped, else `None`.
    pub const fn from_magic(read_le: u32, magic: u32) -> Option<Self> {
        if read_le == magic {
            Some(ByteOrder::Little)
        } else if read_le == magic.swap_bytes() {
            Some(ByteOrder::Big)
        } else {
            None
        }
    }
}

/// A read-only view of one structure in a buffer.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    what: &'static str,
    buf: &'a [u8],
    order: ByteOrder,
}

impl<'a> Fields<'a> {
    /// Views the first `size` bytes of `buf` as the structure `what`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` has fewer than `size` bytes.
    pub fn new(
        what: &'static str,
        buf: &'a [u8],
        size: usize,
        order: ByteOrder,
    ) -> Result<Self, WireError> {
        let buf = buf.get(..size).ok_or(WireError::Short {
            what,
            need: size,
            have: buf.len(),
        })?;
        Ok(Fields { what, buf, order })
    }

    /// The byte order of the structure.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    /// The structure `what` of `size` bytes at `off` within this one, in the
    /// same byte order.
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not all within this structure.
    pub fn sub(
        &self,
        what: &'static str,
        off: usize,
        size: usize,
    ) -> Result<Fields<'a>, WireError> {
        let rest = self.buf.get(off..).unwrap_or(&[]);
        Fields::new(what, rest, size, self.order)
    }

    /// The `N` bytes at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when they are not all within the structure.
    pub fn bytes<const N: usize>(&self, off: usize) -> Result<[u8; N], WireError> {
        off.checked_add(N)
            .and_then(|end| self.buf.get(off..end))
            .and_then(|b| b.try_into().ok())
            .ok_or(WireError::Short {
                what: self.what,
                need: off.saturating_add(N),
                have: self.buf.len(),
            })
    }

    /// The `u16` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not within the structure.
    pub fn u16(&self, off: usize) -> Result<u16, WireError> {
        let b = self.bytes(off)?;
        Ok(match self.order {
            ByteOrder::Little => u16::from_le_bytes(b),
            ByteOrder::Big => u16::from_be_bytes(b),
        })
    }

    /// The `u32` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not within the structure.
    pub fn u32(&self, off: usize) -> Result<u32, WireError> {
        let b = self.bytes(off)?;
        Ok(match self.order {
            ByteOrder::Little => u32::from_le_bytes(b),
            ByteOrder::Big => u32::from_be_bytes(b),
        })
    }

    /// The `u64` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not within the structure.
    pub fn u64(&self, off: usize) -> Result<u64, WireError> {
        let b = self.bytes(off)?;
        Ok(match self.order {
            ByteOrder::Little => u64::from_le_bytes(b),
            ByteOrder::Big => u64::from_be_bytes(b),
        })
    }
}

/// A writable view of one structure in a buffer; we always encode
/// little-endian.
#[derive(Debug)]
pub struct FieldsMut<'a> {
    what: &'static str,
    buf: &'a mut [u8],
}

impl<'a> FieldsMut<'a> {
    /// Views the first `size` bytes of `buf` as the structure `what`, zeroed.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` has fewer than `size` bytes.
    pub fn new(what: &'static str, buf: &'a mut [u8], size: usize) -> Result<Self, WireError> {
        let have = buf.len();
        let buf = buf.get_mut(..size).ok_or(WireError::Short {
            what,
            need: size,
            have,
        })?;
        buf.fill(0);
        Ok(FieldsMut { what, buf })
    }

    /// Writes `bytes` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when they do not fit within the structure.
    pub fn put_bytes(&mut self, off: usize, bytes: &[u8]) -> Result<(), WireError> {
        let have = self.buf.len();
        off.checked_add(bytes.len())
            .and_then(|end| self.buf.get_mut(off..end))
            .map(|dst| dst.copy_from_slice(bytes))
            .ok_or(WireError::Short {
                what: self.what,
                need: off.saturating_add(bytes.len()),
                have,
            })
    }

    /// The structure `what` of `size` bytes at `off` within this one.
    ///
    /// # Errors
    /// [`WireError::Short`] when it is not all within this structure.
    pub fn sub_mut(
        &mut self,
        what: &'static str,
        off: usize,
        size: usize,
    ) -> Result<FieldsMut<'_>, WireError> {
        let have = self.buf.len().saturating_sub(off);
        let buf = off
            .checked_add(size)
            .and_then(|end| self.buf.get_mut(off..end))
            .ok_or(WireError::Short {
                what,
                need: size,
                have,
            })?;
        Ok(FieldsMut { what, buf })
    }

    /// Writes the `u16` `v` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it does not fit within the structure.
    pub fn put_u16(&mut self, off: usize, v: u16) -> Result<(), WireError> {
        self.put_bytes(off, &v.to_le_bytes())
    }

    /// Writes the `u32` `v` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it does not fit within the structure.
    pub fn put_u32(&mut self, off: usize, v: u32) -> Result<(), WireError> {
        self.put_bytes(off, &v.to_le_bytes())
    }

    /// Writes the `u64` `v` at `off`.
    ///
    /// # Errors
    /// [`WireError::Short`] when it does not fit within the structure.
    pub fn put_u64(&mut self, off: usize, v: u64) -> Result<(), WireError> {
        self.put_bytes(off, &v.to_le_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_byte_orders() {
        let buf = [1, 2, 3, 4, 5, 6, 7, 8];
        let le = Fields::new("t", &buf, 8, ByteOrder::Little).unwrap();
        let be = Fields::new("t", &buf, 8, ByteOrder::Big).unwrap();
        assert_eq!(le.u16(6).unwrap(), 0x0807);
        assert_eq!(be.u16(6).unwrap(), 0x0708);
        assert_eq!(le.u32(4).unwrap(), 0x0807_0605);
        assert_eq!(be.u32(4).unwrap(), 0x0506_0708);
        assert_eq!(le.u64(0).unwrap(), 0x0807_0605_0403_0201);
        assert_eq!(be.u64(0).unwrap(), 0x0102_0304_0506_0708);
    }

    #[test]
    fn never_reads_past_the_structure() {
        let buf = [0u8; 16];
        assert_eq!(
            Fields::new("t", &buf, 17, ByteOrder::Little).unwrap_err(),
            WireError::Short {
                what: "t",
                need: 17,
                have: 16
            }
        );
        let f = Fields::new("t", &buf, 8, ByteOrder::Little).unwrap();
        assert!(f.u32(5).is_err());
        assert!(f.u64(1).is_err());
        assert!(f.u32(usize::MAX - 1).is_err());
        let mut out = [0u8; 8];
        let mut w = FieldsMut::new("t", &mut out, 8).unwrap();
        assert!(w.put_u64(1, 0).is_err());
        assert!(w.put_bytes(usize::MAX, &[1]).is_err());
    }

    #[test]
    fn finds_the_byte_order_from_the_magic() {
        assert_eq!(
            ByteOrder::from_magic(0x4572_6963, 0x4572_6963),
            Some(ByteOrder::Little)
        );
        assert_eq!(
            ByteOrder::from_magic(0x6369_7245, 0x4572_6963),
            Some(ByteOrder::Big)
        );
        assert_eq!(ByteOrder::from_magic(0, 0x4572_6963), None);
    }
}
