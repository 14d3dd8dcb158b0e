// SPDX-License-Identifier: GPL-2.0

//! `lustre.ko`'s side of the API of `lnet.ko` (`lnet/api.h`).
//!
//! The two modules share no Rust ABI: `lnet.ko` exports plain C functions,
//! whose declarations bindgen generates from `lnet/api.h`, and this module
//! wraps them in safe functions. Calling them makes `lnet.ko` a dependency
//! of `lustre.ko` that modprobe and modinfo see.

use kernel::prelude::*;

/// The declarations generated from `lnet/api.h`.
#[allow(dead_code, missing_docs, unreachable_pub, clippy::all)]
mod bindings {
    include!("../generated/lnet_api.rs");
}

/// Checks that the loaded `lnet.ko` implements the API this `lustre.ko` was
/// built against.
///
/// # Errors
/// `EINVAL` when the versions differ.
pub fn check_version() -> Result {
    // SAFETY: `lnet_api_version` has no preconditions; module loading
    // guarantees that lnet.ko is loaded while lustre.ko is.
    let theirs = unsafe { bindings::lnet_api_version() };
    if theirs != bindings::LNET_API_VERSION {
        pr_err!(
            "lnet.ko implements LNet API version {}, this lustre.ko needs {}\n",
            theirs,
            bindings::LNET_API_VERSION
        );
        return Err(EINVAL);
    }
    Ok(())
}
