// SPDX-License-Identifier: GPL-2.0

//! mdc: the client's connection to an MDT (Lustre's `mdc/mdc_request.c`).
//!
//! An [`Mdc`] is one MDT's import. The MDT must grant FIDs
//! (`OBD_CONNECT_FID`) and attributes by FID (`OBD_CONNECT_ATTRFID`): every
//! metadata RPC names files by FID. So far it asks for the root FID and
//! the MDT's statistics; the other metadata RPCs follow.

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::ptlrpc::{Import, TargetKind};
use crate::wire::lustre::connect_flags::{OBD_CONNECT_ATTRFID, OBD_CONNECT_FID};
use crate::wire::lustre::fid::LuFid;
use crate::wire::lustre::mdt::{MdtBody, MDT_BODY_SIZE};
use crate::wire::lustre::obd::ObdStatfs;
use crate::wire::nid::Nid;
use crate::wire::ptlrpc::format;
use crate::wire::ptlrpc::opcode::Opcode;

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

    /// The FID of the root directory (`MDS_GET_ROOT`, opcode 40, once
    /// called `MDS_GETSTATUS`).
    ///
    /// # Errors
    /// RPC errors.
    pub(crate) fn root(&self) -> Result<LuFid> {
        let mut body = [0u8; MDT_BODY_SIZE];
        MdtBody::default().encode(&mut body).map_err(|_| EINVAL)?;
        let reply = self
            .imp
            .rpc(Opcode::MdsGetRoot, &format::MDS_GET_ROOT, &[&body], 0)?;
        Ok(MdtBody::decode(reply.buffer(1)?, reply.order())?.fid1)
    }

    /// The MDT's statistics: its inodes (`MDS_STATFS`).
    ///
    /// # Errors
    /// RPC errors.
    pub(crate) fn statfs(&self) -> Result<ObdStatfs> {
        let reply = self
            .imp
            .rpc(Opcode::MdsStatfs, &format::MDS_STATFS, &[], 0)?;
        Ok(ObdStatfs::decode(reply.buffer(1)?, reply.order())?)
    }

    /// Disconnects from the MDT.
    ///
    /// # Errors
    /// What the disconnect RPC gives.
    pub(crate) fn disconnect(self) -> Result {
        self.imp.disconnect()
    }
}
