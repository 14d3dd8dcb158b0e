// SPDX-License-Identifier: GPL-2.0

//! osc: the client's connection to an OST (Lustre's `osc/osc_request.c`).
//!
//! An [`Osc`] is one OST's import. So far it asks for the OST's
//! statistics; the object RPCs (bulk read and write, punch, attributes)
//! follow.

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::ptlrpc::{Import, TargetKind};
use crate::wire::lustre::obd::ObdStatfs;
use crate::wire::nid::Nid;
use crate::wire::ptlrpc::format;
use crate::wire::ptlrpc::opcode::Opcode;
use crate::wire::ptlrpc::portal::OST_CREATE_PORTAL;

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

    /// The OST's statistics: its space (`OST_STATFS`, which OSTs take on
    /// their create portal).
    ///
    /// # Errors
    /// RPC errors.
    pub(crate) fn statfs(&self) -> Result<ObdStatfs> {
        let reply = self.imp.rpc_on(
            OST_CREATE_PORTAL,
            Opcode::OstStatfs,
            &format::OST_STATFS,
            &[],
            0,
        )?;
        Ok(ObdStatfs::decode(reply.buffer(1)?, reply.order())?)
    }

    /// Disconnects from the OST.
    ///
    /// # Errors
    /// What the disconnect RPC gives.
    pub(crate) fn disconnect(self) -> Result {
        self.imp.disconnect()
    }
}
