// SPDX-License-Identifier: GPL-2.0

//! osc: the client's connection to an OST (Lustre's `osc/osc_request.c`).
//!
//! An [`Osc`] is one OST's import; the object RPCs (bulk read and write,
//! punch, attributes) follow.

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::ptlrpc::{Import, TargetKind};
use crate::wire::nid::Nid;

/// A connection to an OST.
pub(crate) struct Osc {
    imp: Arc<Import>,
}

impl Osc {
    /// Connects to the OST `uuid` at `nid` as client `cluuid`.
    ///
    /// # Errors
    /// What the connect RPC gives.
    pub(crate) fn connect(nid: Nid, uuid: &str, cluuid: &str) -> Result<Self> {
        let imp = Import::new(nid, TargetKind::Ost, uuid)?;
        imp.connect(cluuid, 0, 0)?;
        Ok(Osc { imp })
    }

    /// Disconnects from the OST.
    ///
    /// # Errors
    /// What the disconnect RPC gives.
    pub(crate) fn disconnect(self) -> Result {
        self.imp.disconnect()
    }
}
