//! The kinds of target a client connects to, and what each kind implies
//! on the wire: its connect and disconnect opcodes and its portals.

use crate::wire::ptlrpc::opcode::Opcode;
use crate::wire::ptlrpc::portal::{
    MDC_REPLY_PORTAL, MDS_REQUEST_PORTAL, MGC_REPLY_PORTAL, MGS_REQUEST_PORTAL, OSC_REPLY_PORTAL,
    OST_REQUEST_PORTAL,
};

/// The kind of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// A management server.
    Mgs,
    /// A metadata target.
    Mdt,
    /// An object storage target.
    Ost,
}

impl TargetKind {
    /// `MGS_CONNECT`, `MDS_CONNECT` or `OST_CONNECT`.
    pub fn connect_opc(self) -> Opcode {
        match self {
            TargetKind::Mgs => Opcode::MgsConnect,
            TargetKind::Mdt => Opcode::MdsConnect,
            TargetKind::Ost => Opcode::OstConnect,
        }
    }

    /// `MGS_DISCONNECT`, `MDS_DISCONNECT` or `OST_DISCONNECT`.
    pub fn disconnect_opc(self) -> Opcode {
        match self {
            TargetKind::Mgs => Opcode::MgsDisconnect,
            TargetKind::Mdt => Opcode::MdsDisconnect,
            TargetKind::Ost => Opcode::OstDisconnect,
        }
    }

    /// The portal where the target takes requests.
    pub fn request_portal(self) -> u32 {
        match self {
            TargetKind::Mgs => MGS_REQUEST_PORTAL,
            TargetKind::Mdt => MDS_REQUEST_PORTAL,
            TargetKind::Ost => OST_REQUEST_PORTAL,
        }
    }

    /// The portal where a client takes the target's replies.
    pub fn reply_portal(self) -> u32 {
        match self {
            TargetKind::Mgs => MGC_REPLY_PORTAL,
            TargetKind::Mdt => MDC_REPLY_PORTAL,
            TargetKind::Ost => OSC_REPLY_PORTAL,
        }
    }
}
