//! File layouts (`trusted.lov`, always little-endian): the RAID-0 layouts
//! `lov_mds_md_v1` and `v3` (with a pool name), each a header and one
//! `lov_ost_data_v1` per stripe. [`Layout::decode`] checks the magic and
//! that every stripe the header counts is in the buffer.

use crate::wire::codec::{ByteOrder, Fields};
use crate::wire::error::WireError;
use crate::wire::layout::{wire_struct, Bytes, RawFid};
use crate::wire::lustre::fid::LuFid;

/// The magic of `lov_mds_md_v1`.
pub const LOV_MAGIC_V1: u32 = 0x0bd1_0bd0;
/// The magic of `lov_mds_md_v3`.
pub const LOV_MAGIC_V3: u32 = 0x0bd3_0bd0;
/// The magic of a composite layout (`lov_comp_md_v1`), not decoded here.
pub const LOV_MAGIC_COMP_V1: u32 = 0x0bd6_0bd0;
/// `LOV_PATTERN_RAID0`.
pub const LOV_PATTERN_RAID0: u32 = 0x1;
/// The most stripes a layout may have (`LOV_MAX_STRIPE_COUNT`).
pub const LOV_MAX_STRIPE_COUNT: u16 = 2000;

wire_struct! {
    /// The header of `struct lov_mds_md_v1`.
    pub struct LovMdsMdV1("lov_mds_md_v1", RawLovMdsMdV1, LOV_MDS_MD_V1_SIZE = 32) {
        /// [`LOV_MAGIC_V1`].
        lmm_magic @ 0: u32 = u32,
        /// `LOV_PATTERN_*`.
        lmm_pattern @ 4: u32 = u32,
        /// The file (`ost_id` holding its MDT FID).
        lmm_oi @ 8: LuFid = RawFid,
        /// The stripe size, in bytes.
        lmm_stripe_size @ 24: u32 = u32,
        /// The number of stripes.
        lmm_stripe_count @ 28: u16 = u16,
        /// The layout generation.
        lmm_layout_gen @ 30: u16 = u16,
    }
}

wire_struct! {
    /// `struct lov_ost_data_v1`: one stripe, an object on an OST.
    pub struct LovOstData("lov_ost_data_v1", RawLovOstData, LOV_OST_DATA_SIZE = 24) {
        /// The object (`ost_id`).
        l_ost_oi @ 0: LuFid = RawFid,
        /// The OST's generation.
        l_ost_gen @ 16: u32 = u32,
        /// The OST's index.
        l_ost_idx @ 20: u32 = u32,
    }
}

/// The size of a v3 header: v1's, then the pool name.
pub const LOV_MDS_MD_V3_SIZE: usize = LOV_MDS_MD_V1_SIZE + LOV_MAXPOOLNAME;

/// The longest pool name, with its NUL (`LOV_MAXPOOLNAME` + 1).
pub const LOV_MAXPOOLNAME: usize = 16;

/// A decoded RAID-0 layout; the stripes stay in the buffer.
#[derive(Clone, Copy, Debug)]
pub struct Layout<'a> {
    /// The header.
    pub header: LovMdsMdV1,
    /// The pool (v3 layouts).
    pub pool: Option<Bytes<LOV_MAXPOOLNAME>>,
    stripes: Fields<'a>,
}

impl<'a> Layout<'a> {
    /// Decodes a v1 or v3 layout, checking that all its stripes are there.
    ///
    /// # Errors
    /// [`WireError::BadMagic`] for another magic (composite layouts
    /// included), [`WireError::BadField`] for a stripe count over
    /// [`LOV_MAX_STRIPE_COUNT`], [`WireError::Short`].
    pub fn decode(buf: &'a [u8]) -> Result<Self, WireError> {
        let header = LovMdsMdV1::decode(buf, ByteOrder::Little)?;
        let (objects, pool) = match header.lmm_magic {
            LOV_MAGIC_V1 => (LOV_MDS_MD_V1_SIZE, None),
            LOV_MAGIC_V3 => {
                let f = Fields::new("lov_mds_md_v3", buf, LOV_MDS_MD_V3_SIZE, ByteOrder::Little)?;
                (
                    LOV_MDS_MD_V3_SIZE,
                    Some(Bytes(f.bytes(LOV_MDS_MD_V1_SIZE)?)),
                )
            }
            magic => {
                return Err(WireError::BadMagic {
                    what: "lov_mds_md",
                    magic,
                })
            }
        };
        let count = header.lmm_stripe_count;
        if count > LOV_MAX_STRIPE_COUNT {
            return Err(WireError::BadField {
                field: "lov_mds_md.lmm_stripe_count",
                value: count.into(),
            });
        }
        let rest = buf.get(objects..).unwrap_or(&[]);
        let stripes = Fields::new(
            "lov_ost_data_v1",
            rest,
            usize::from(count) * LOV_OST_DATA_SIZE,
            ByteOrder::Little,
        )?;
        Ok(Layout {
            header,
            pool,
            stripes,
        })
    }

    /// The number of stripes.
    pub fn stripe_count(&self) -> usize {
        self.header.lmm_stripe_count.into()
    }

    /// Stripe `i`.
    ///
    /// # Errors
    /// [`WireError::Short`] when there is no such stripe.
    pub fn stripe(&self, i: usize) -> Result<LovOstData, WireError> {
        let off = i.saturating_mul(LOV_OST_DATA_SIZE);
        use crate::wire::layout::WireField;
        LovOstData::get(&self.stripes, off)
    }
}

/// RAID-0 striping: where file offsets land among the objects of a
/// layout with a stripe size (bytes) and a stripe count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Striping {
    size: u64,
    count: u64,
}

impl Striping {
    /// The striping of `count` stripes of `size` bytes; `None` when either
    /// is 0 or a stripe width does not fit 64 bits.
    pub const fn new(size: u64, count: u64) -> Option<Striping> {
        match size.checked_mul(count) {
            Some(w) if w != 0 => Some(Striping { size, count }),
            _ => None,
        }
    }

    /// The stripe size.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The stripe count.
    pub const fn count(&self) -> u64 {
        self.count
    }

    /// The stripe (object) that file offset `off` is in, and the offset in
    /// that object.
    pub const fn locate(&self, off: u64) -> (u64, u64) {
        let width = self.size * self.count;
        (
            (off % width) / self.size,
            (off / width) * self.size + off % self.size,
        )
    }

    /// How many bytes from file offset `off` stay in the same stripe.
    pub const fn left_in_stripe(&self, off: u64) -> u64 {
        self.size - off % self.size
    }

    /// The file size that stripe `i` of object size `obj_size` implies
    /// (the file's size is the largest over its stripes).
    pub const fn file_size(&self, i: u64, obj_size: u64) -> u64 {
        let width = self.size * self.count;
        let rem = obj_size % self.size;
        if obj_size == 0 {
            0
        } else if rem != 0 {
            (obj_size / self.size) * width + i * self.size + rem
        } else {
            (obj_size / self.size - 1) * width + (i + 1) * self.size
        }
    }

    /// The size of stripe `i`'s object once the file is truncated to
    /// `len`.
    pub const fn object_size(&self, i: u64, len: u64) -> u64 {
        let width = self.size * self.count;
        let (q, r) = (len / width, len % width);
        let past = r.saturating_sub(i * self.size);
        q * self.size + if past < self.size { past } else { self.size }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripes_as_the_digest_says() {
        let mib = 1 << 20;
        let s = Striping::new(mib, 4).unwrap();
        assert!(Striping::new(0, 4).is_none() && Striping::new(mib, 0).is_none());
        assert!(Striping::new(u64::MAX, 2).is_none());
        assert_eq!(s.locate(5 * mib + mib / 2), (1, mib + mib / 2));
        assert_eq!(s.left_in_stripe(5 * mib + mib / 2), mib / 2);
        // Object 1 holding 1.5 MiB: the file reaches 5.5 MiB.
        assert_eq!(s.file_size(1, mib + mib / 2), 5 * mib + mib / 2);
        assert_eq!(s.file_size(3, mib), 4 * mib);
        assert_eq!(s.file_size(0, 0), 0);
        // Truncating to 5.5 MiB: object 0 keeps 2 MiB, 1 keeps 1.5, 2 and 3 keep 1.
        let sizes: [u64; 4] = core::array::from_fn(|i| s.object_size(i as u64, 5 * mib + mib / 2));
        assert_eq!(sizes, [2 * mib, mib + mib / 2, mib, mib]);
        for i in 0..4 {
            assert!(s.file_size(i, sizes[i as usize]) <= 5 * mib + mib / 2);
        }
    }

    fn layout(magic: u32, count: u16) -> [u8; 128] {
        let mut buf = [0u8; 128];
        LovMdsMdV1 {
            lmm_magic: magic,
            lmm_pattern: LOV_PATTERN_RAID0,
            lmm_oi: LuFid::ROOT,
            lmm_stripe_size: 1 << 20,
            lmm_stripe_count: count,
            lmm_layout_gen: 0,
        }
        .encode(&mut buf)
        .unwrap();
        let start = if magic == LOV_MAGIC_V3 { 48 } else { 32 };
        buf[32..36].copy_from_slice(if magic == LOV_MAGIC_V3 {
            b"fast"
        } else {
            &[0; 4]
        });
        for i in 0..usize::from(count).min(3) {
            let s = LovOstData {
                l_ost_oi: LuFid {
                    seq: 0x1_0000_0000 + i as u64,
                    oid: 7,
                    ver: 0,
                },
                l_ost_gen: 0,
                l_ost_idx: i as u32,
            };
            s.encode(&mut buf[start + 24 * i..]).unwrap();
        }
        buf
    }

    #[test]
    fn decodes_v1_and_v3() {
        let buf = layout(LOV_MAGIC_V1, 2);
        let l = Layout::decode(&buf[..32 + 48]).unwrap();
        assert_eq!(l.stripe_count(), 2);
        assert_eq!(l.stripe(1).unwrap().l_ost_idx, 1);
        assert!(l.stripe(2).is_err());
        assert!(l.pool.is_none());
        let buf = layout(LOV_MAGIC_V3, 3);
        let l = Layout::decode(&buf[..48 + 72]).unwrap();
        assert_eq!(l.pool.unwrap().as_str(), Some("fast"));
        assert_eq!(l.stripe(2).unwrap().l_ost_oi.seq, 0x1_0000_0002);
    }

    #[test]
    fn never_trusts_the_stripe_count() {
        let buf = layout(LOV_MAGIC_V1, 3);
        assert!(Layout::decode(&buf[..32 + 71]).is_err());
        let mut huge = layout(LOV_MAGIC_V1, 0);
        huge[28..30].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(Layout::decode(&huge).is_err());
        let comp = layout(LOV_MAGIC_COMP_V1, 0);
        assert!(matches!(
            Layout::decode(&comp),
            Err(WireError::BadMagic { .. })
        ));
    }
}
