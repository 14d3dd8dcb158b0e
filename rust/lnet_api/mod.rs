// SPDX-License-Identifier: GPL-2.0

//! The users' side of the API of `lnet.ko` (`lnet/api.h`), for `lustre.ko`
//! and `test_lnet.ko`.
//!
//! The modules share no Rust ABI: `lnet.ko` exports plain C functions,
//! whose declarations bindgen generates from `lnet/api.h`, and this module
//! wraps them in safe types ([`MdBuf`]). Calling them makes `lnet.ko` a
//! dependency of the user that modprobe and modinfo see.

use kernel::prelude::*;

mod md;
mod memory;

pub use md::{EventKind, MdBuf, MdOptions, Moved};
pub use memory::{MdMemory, Pages};

/// The declarations generated from `lnet/api.h`.
#[allow(
    dead_code,
    missing_docs,
    non_camel_case_types,
    unreachable_pub,
    clippy::all,
    clippy::undocumented_unsafe_blocks
)]
mod bindings {
    include!("../generated/lnet_api.rs");
}

/// The threshold of an MD that stays linked until it is unlinked.
pub const MD_THRESH_INF: i32 = bindings::LNET_MD_THRESH_INF;

/// A process on an LNet network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcessId {
    /// Its NID (`lnet_nid_t`).
    pub nid: u64,
    /// Its PID.
    pub pid: u32,
}

impl ProcessId {
    fn raw(self) -> bindings::lnet_process_id {
        bindings::lnet_process_id {
            nid: self.nid,
            pid: self.pid,
        }
    }
}

/// Checks that the loaded `lnet.ko` implements the API this module was
/// built against.
///
/// # Errors
/// `EINVAL` when the versions differ.
pub fn check_version() -> Result {
    // SAFETY: `lnet_api_version` has no preconditions; module loading
    // guarantees that lnet.ko is loaded while its users are.
    let theirs = unsafe { bindings::lnet_api_version() };
    if theirs != bindings::LNET_API_VERSION {
        pr_err!(
            "lnet.ko implements LNet API version {}, this module needs {}\n",
            theirs,
            bindings::LNET_API_VERSION
        );
        return Err(EINVAL);
    }
    Ok(())
}

/// Turns the API's return value into a `Result`.
fn to_result(rc: i32) -> Result {
    kernel::error::to_result(rc)
}
