// SPDX-License-Identifier: GPL-2.0

//! Directory entries.

use kernel::error::to_result;
use kernel::prelude::*;

use super::opaque::vfs_object;
use super::Iattr;
use crate::compat::bindings as c;

vfs_object!(
    /// A dentry (`struct dentry`): a name in a directory, in the dentry cache.
    Dentry,
    c::dentry
);

impl Dentry {
    /// Checks that the caller may change the attributes of this dentry's
    /// inode as `attr` says (ownership, permissions, size limits).
    pub fn setattr_prepare(&self, attr: &Iattr) -> Result {
        // SAFETY: both pointers come from live references.
        to_result(unsafe { c::rustre_setattr_prepare(self.as_ptr(), attr.as_ptr()) })
    }
}
