// SPDX-License-Identifier: GPL-2.0

//! Inodes and their attributes.

use kernel::error::to_result;
use kernel::prelude::*;

use super::opaque::vfs_object;
use crate::compat::bindings as c;

vfs_object!(
    /// An inode (`struct inode`).
    Inode,
    c::inode
);

vfs_object!(
    /// The attributes that `stat` returns (`struct kstat`), being filled.
    Kstat,
    c::kstat
);

vfs_object!(
    /// A change of attributes asked for by `setattr` (`struct iattr`).
    Iattr,
    c::iattr
);

/// A timestamp: seconds and nanoseconds since the epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timespec {
    /// Seconds since the epoch.
    pub sec: i64,
    /// Nanoseconds, 0 to 999 999 999.
    pub nsec: i64,
}

impl From<c::rustre_timespec> for Timespec {
    fn from(ts: c::rustre_timespec) -> Self {
        Timespec {
            sec: ts.tv_sec,
            // `c_long` is at most 64 bits wide.
            nsec: ts.tv_nsec as i64,
        }
    }
}

impl Inode {
    /// The time of the last change of the inode.
    pub fn ctime(&self) -> Timespec {
        let mut ts = c::rustre_timespec::default();
        // SAFETY: `self` is a live inode and `ts` a valid destination.
        unsafe { c::rustre_inode_get_ctime(self.as_ptr(), &mut ts) };
        ts.into()
    }

    /// Sets the change time to now.
    pub fn set_ctime_current(&self) {
        // SAFETY: `self` is a live inode.
        unsafe { c::rustre_inode_set_ctime_current(self.as_ptr()) };
    }

    /// The time of the last change of the contents.
    pub fn mtime(&self) -> Timespec {
        let mut ts = c::rustre_timespec::default();
        // SAFETY: `self` is a live inode and `ts` a valid destination.
        unsafe { c::rustre_inode_get_mtime(self.as_ptr(), &mut ts) };
        ts.into()
    }

    /// Sets the time of the last change of the contents.
    pub fn set_mtime(&self, time: Timespec) {
        let ts = c::rustre_timespec {
            tv_sec: time.sec,
            // Truncation cannot happen for a valid nanosecond count.
            tv_nsec: time.nsec as _,
        };
        // SAFETY: `self` is a live inode and `ts` a valid source.
        unsafe { c::rustre_inode_set_mtime(self.as_ptr(), &ts) };
    }

    /// The VFS's permission check from mode bits and ACLs.
    pub fn generic_permission(&self, mask: i32) -> Result {
        // SAFETY: `self` is a live inode.
        to_result(unsafe { c::rustre_generic_permission(self.as_ptr(), mask) })
    }

    /// Fills `stat` from the attributes cached in the inode.
    pub fn generic_fillattr(&self, request_mask: u32, stat: &Kstat) {
        // SAFETY: `self` is a live inode and `stat` is being filled by us.
        unsafe { c::rustre_generic_fillattr(self.as_ptr(), request_mask, stat.as_ptr()) };
    }
}
