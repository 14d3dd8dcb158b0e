// SPDX-License-Identifier: GPL-2.0

//! The C-ABI API that `lnet.ko` exports to `lustre.ko`: declared in
//! `lnet/api.h`, implemented here, exported by `lnet/exports.c`.

/// The declarations generated from `lnet/api.h`, to take the constants from.
#[allow(dead_code, missing_docs, unreachable_pub, clippy::all)]
mod bindings {
    include!("../rust/generated/lnet_api.rs");
}

/// The version of this API (`LNET_API_VERSION`).
pub const LNET_API_VERSION: u32 = bindings::LNET_API_VERSION;

/// Returns the API version that this `lnet.ko` implements.
#[no_mangle]
pub extern "C" fn lnet_api_version() -> u32 {
    LNET_API_VERSION
}
