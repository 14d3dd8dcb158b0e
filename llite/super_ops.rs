// SPDX-License-Identifier: GPL-2.0

//! The `lustre` file system type: mount entry and the VFS operations of
//! llite (Lustre's `llite/super25.c`, `llite/dcache.c`, `llite/file.c`).
//!
//! Mounting checks the source (`<mgsnid>[:<mgsnid>]:/<fsname>`), reads the
//! file system's configuration from the MGS, connects to its MDTs and OSTs
//! and asks them for the root FID and their statistics (`mount.rs`), then
//! disconnects and fails with `EOPNOTSUPP`, because the client cannot yet
//! read the namespace (the root's attributes and entries). The
//! dentry and inode operations are what llite will install on its super
//! block; until a mount succeeds, nothing calls them.

use kernel::prelude::*;
use kernel::str::CStr;

use crate::vfs::{Dentry, FileSystem, Iattr, Inode, Kstat};
use crate::wire::mount_source::MountSource;

/// `EOPNOTSUPP`, which the 6.12 kernel crate does not name.
fn eopnotsupp() -> Error {
    Error::from_errno(-(kernel::bindings::EOPNOTSUPP as i32))
}

/// The Lustre client file system.
pub(crate) struct LustreFs;

impl FileSystem for LustreFs {
    fn get_tree(source: &CStr) -> Result {
        let Ok(text) = source.to_str() else {
            pr_err!("mount: the source is not UTF-8\n");
            return Err(EINVAL);
        };
        let source = MountSource::parse(text).map_err(|e| {
            pr_err!(
                "mount: bad source '{}': {}; expected <mgsnid>[:<mgsnid>]:/<fsname>\n",
                text,
                e
            );
            EINVAL
        })?;
        let fsname = source.fsname();
        let cluuid = crate::mount::client_uuid()?;
        let cluuid = cluuid.to_str().map_err(|_| EINVAL)?;
        let config = crate::mount::read_config(&source, cluuid)?;
        let targets = crate::mount::Targets::connect(fsname, &config, cluuid)?;
        let root = targets.root();
        let st = targets.statfs();
        targets.disconnect();
        let root = root.inspect_err(|e| {
            pr_err!(
                "{fsname}: cannot get the root FID: error {}\n",
                e.to_errno()
            )
        })?;
        pr_info!("{fsname}: root {root}\n");
        pr_info!(
            "{fsname}: {} KiB available, {} free, of {} KiB on {} OSTs; {} of {} inodes free on {} MDTs\n",
            st.kib_avail,
            st.kib_free,
            st.kib_total,
            st.osts,
            st.ffree,
            st.files,
            st.mdts
        );
        pr_err!("mount: cannot mount {fsname}: reading the namespace is not done yet\n");
        Err(eopnotsupp())
    }

    fn d_compare(_dentry: &Dentry, cached: &[u8], name: &[u8]) -> bool {
        cached == name
    }

    fn d_revalidate(_dentry: &Dentry, _flags: u32) -> Result<bool> {
        // Without LDLM locks there is nothing that can invalidate a dentry;
        // ll_revalidate_dentry will check the lock that covers it.
        Ok(true)
    }

    fn permission(inode: &Inode, mask: i32) -> Result {
        inode.generic_permission(mask)
    }

    fn getattr(inode: &Inode, request_mask: u32, stat: &Kstat) -> Result {
        inode.generic_fillattr(request_mask, stat);
        Ok(())
    }

    fn setattr(dentry: &Dentry, attr: &Iattr) -> Result {
        dentry.setattr_prepare(attr)?;
        // The change must be made on the MDT (an MDS_REINT setattr).
        Err(eopnotsupp())
    }
}
