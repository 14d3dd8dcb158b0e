// SPDX-License-Identifier: GPL-2.0

//! mdc: the client's connection to an MDT (Lustre's `mdc/mdc_request.c`).
//!
//! An [`Mdc`] is one MDT's import. The MDT must grant FIDs
//! (`OBD_CONNECT_FID`) and attributes by FID (`OBD_CONNECT_ATTRFID`): every
//! metadata RPC names files by FID. The metadata RPCs themselves follow.

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::ptlrpc::{Import, TargetKind};
use crate::wire::lustre::connect_flags::{OBD_CONNECT_ATTRFID, OBD_CONNECT_FID};
use crate::wire::nid::Nid;

/// A connection to an MDT.
pub(crate) struct Mdc {
    imp: Arc<Import>,
}

impl Mdc {
    /// Connects to the MDT `uuid` at `nid` as client `cluuid`.
    ///
    /// # Errors
    /// What the connect RPC gives; `EPROTO` when the MDT does not grant
    /// FIDs.
    pub(crate) fn connect(nid: Nid, uuid: &str, cluuid: &str) -> Result<Self> {
        let imp = Import::new(nid, TargetKind::Mdt, uuid)?;
        imp.connect(cluuid, 0, OBD_CONNECT_FID | OBD_CONNECT_ATTRFID)?;
        Ok(Mdc { imp })
    }

    /// Disconnects from the MDT.
    ///
    /// # Errors
    /// What the disconnect RPC gives.
    pub(crate) fn disconnect(self) -> Result {
        self.imp.disconnect()
    }
}
