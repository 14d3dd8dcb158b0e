//! File layouts: which OST objects hold a file's data. A new regular file
//! gets RAID-0 striping (`lov_mds_md_v1`) from, in order: the striping its
//! creator asked for (a `lov_user_md` in the open), its directory's default
//! (the `trusted.lov` extended attribute, a `lov_user_md` too), or one
//! 1 MiB stripe. The first OST is the one asked for, else the next in
//! turn; the objects are made on the OSTs then and there.

use std::sync::atomic::Ordering;

use rustre_lnet::wire::codec::ByteOrder;
use rustre_lnet::wire::lustre::errno::EINVAL;
use rustre_lnet::wire::lustre::fid::LuFid;
use rustre_lnet::wire::lustre::lov::{
    Layout, LovMdsMdV1, LovOstData, LOV_MAGIC_V1, LOV_MAGIC_V3, LOV_MDS_MD_V1_SIZE,
    LOV_OST_DATA_SIZE, LOV_PATTERN_RAID0,
};

use super::namespace::{Inode, Kind};
use super::Mdt;

/// The extended attribute that holds a directory's default striping.
pub const DEFAULT_LAYOUT_XATTR: &[u8] = b"trusted.lov";

/// "Any": a stripe offset (first OST) or, as -1, a stripe count (all).
const ANY: u16 = 0xffff;

/// Stripe sizes are multiples of this (`LOV_MIN_STRIPE_SIZE`).
const MIN_STRIPE_SIZE: u32 = 64 << 10;

impl Mdt {
    /// Makes the objects and the layout of new file `fid`, striped as
    /// `wanted` (a `lov_user_md`) says, or by default.
    ///
    /// # Errors
    /// `EINVAL` for a striping that cannot be: a bad magic, a stripe size
    /// that is not a multiple of 64 KiB, a first OST that does not exist;
    /// the OST's errors making an object.
    pub(super) fn new_layout(&self, fid: LuFid, wanted: Option<&[u8]>) -> Result<Vec<u8>, i32> {
        let n = self.osts.count();
        let (mut size, mut count, offset) = match wanted {
            Some(w) => {
                let u = LovMdsMdV1::decode(w, ByteOrder::Little).map_err(|_| EINVAL)?;
                if u.lmm_magic != LOV_MAGIC_V1 && u.lmm_magic != LOV_MAGIC_V3 {
                    return Err(EINVAL);
                }
                // In a lov_user_md, lmm_layout_gen is lmm_stripe_offset.
                (u.lmm_stripe_size, u.lmm_stripe_count, u.lmm_layout_gen)
            }
            None => (0, 0, ANY),
        };
        if size == 0 {
            size = crate::mgs::DEFAULT_STRIPE_SIZE as u32;
        }
        if size % MIN_STRIPE_SIZE != 0 {
            return Err(EINVAL);
        }
        if count == 0 {
            count = 1;
        }
        let count = u32::from(count).min(n);
        let first = if offset == ANY {
            self.next_ost.fetch_add(1, Ordering::Relaxed) % n
        } else if u32::from(offset) < n {
            u32::from(offset)
        } else {
            return Err(EINVAL);
        };
        let mut out = vec![0u8; LOV_MDS_MD_V1_SIZE + count as usize * LOV_OST_DATA_SIZE];
        LovMdsMdV1 {
            lmm_magic: LOV_MAGIC_V1,
            lmm_pattern: LOV_PATTERN_RAID0,
            lmm_oi: fid,
            lmm_stripe_size: size,
            lmm_stripe_count: count as u16,
            lmm_layout_gen: 0,
        }
        .encode(&mut out)
        .map_err(|_| EINVAL)?;
        for i in 0..count {
            let idx = (first + i) % n;
            let at = LOV_MDS_MD_V1_SIZE + i as usize * LOV_OST_DATA_SIZE;
            LovOstData {
                l_ost_oi: self.osts.create(idx)?,
                l_ost_gen: 0,
                l_ost_idx: idx,
            }
            .encode(&mut out[at..])
            .map_err(|_| EINVAL)?;
        }
        Ok(out)
    }

    /// Destroys the OST objects of `inode`, whose last link is gone.
    pub(super) fn release(&self, inode: Option<Inode>) {
        let Some(Inode {
            kind: Kind::File(Some(layout)),
            ..
        }) = inode
        else {
            return;
        };
        if let Ok(l) = Layout::decode(&layout) {
            for s in (0..l.stripe_count()).filter_map(|i| l.stripe(i).ok()) {
                self.osts.destroy(s.l_ost_idx, &s.l_ost_oi);
            }
        }
    }
}
