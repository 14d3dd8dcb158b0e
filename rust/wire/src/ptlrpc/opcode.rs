//! The opcodes of the RPCs the client sends or serves, with the service each
//! belongs to (its bits in `pb_version`).

/// The service an opcode belongs to, as the upper 16 bits of `pb_version`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Connection management: connect, disconnect, ping (`LUSTRE_OBD_VERSION`).
    Obd,
    /// Metadata (`LUSTRE_MDS_VERSION`).
    Mds,
    /// Objects (`LUSTRE_OST_VERSION`).
    Ost,
    /// Locks (`LUSTRE_DLM_VERSION`).
    Dlm,
    /// Logs (`LUSTRE_LOG_VERSION`).
    Log,
    /// Configuration (`LUSTRE_MGS_VERSION`).
    Mgs,
}

impl Service {
    /// The service bits of `pb_version`.
    pub const fn version_bits(self) -> u32 {
        match self {
            Service::Obd => 0x0001_0000,
            Service::Mds => 0x0002_0000,
            Service::Ost => 0x0003_0000,
            Service::Dlm => 0x0004_0000,
            Service::Log => 0x0005_0000,
            Service::Mgs => 0x0006_0000,
        }
    }
}

macro_rules! opcodes {
    ($($(#[$doc:meta])* $name:ident = $value:literal, $service:ident;)*) => {
        /// An RPC opcode (`pb_opc`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum Opcode {
            $($(#[$doc])* $name = $value,)*
        }

        impl Opcode {
            /// The opcode with value `v`, if we know it.
            pub const fn from_wire(v: u32) -> Option<Self> {
                match v {
                    $($value => Some(Opcode::$name),)*
                    _ => None,
                }
            }

            /// The service that handles the opcode.
            pub const fn service(self) -> Service {
                match self {
                    $(Opcode::$name => Service::$service,)*
                }
            }
        }
    };
}

opcodes! {
    /// `OST_GETATTR`.
    OstGetattr = 1, Ost;
    /// `OST_SETATTR`.
    OstSetattr = 2, Ost;
    /// `OST_READ`.
    OstRead = 3, Ost;
    /// `OST_WRITE`.
    OstWrite = 4, Ost;
    /// `OST_CONNECT`.
    OstConnect = 8, Obd;
    /// `OST_DISCONNECT`.
    OstDisconnect = 9, Obd;
    /// `OST_PUNCH`.
    OstPunch = 10, Ost;
    /// `OST_STATFS`.
    OstStatfs = 13, Ost;
    /// `OST_SYNC`.
    OstSync = 16, Ost;
    /// `MDS_GETATTR`.
    MdsGetattr = 33, Mds;
    /// `MDS_GETATTR_NAME`.
    MdsGetattrName = 34, Mds;
    /// `MDS_CLOSE`.
    MdsClose = 35, Mds;
    /// `MDS_REINT`.
    MdsReint = 36, Mds;
    /// `MDS_READPAGE`.
    MdsReadpage = 37, Mds;
    /// `MDS_CONNECT`.
    MdsConnect = 38, Obd;
    /// `MDS_DISCONNECT`.
    MdsDisconnect = 39, Obd;
    /// `MDS_GET_ROOT` (once "getstatus").
    MdsGetRoot = 40, Mds;
    /// `MDS_STATFS`.
    MdsStatfs = 41, Mds;
    /// `MDS_SYNC`.
    MdsSync = 44, Mds;
    /// `MDS_GETXATTR`.
    MdsGetxattr = 49, Mds;
    /// `LDLM_ENQUEUE`.
    LdlmEnqueue = 101, Dlm;
    /// `LDLM_CONVERT`.
    LdlmConvert = 102, Dlm;
    /// `LDLM_CANCEL`.
    LdlmCancel = 103, Dlm;
    /// `LDLM_BL_CALLBACK`.
    LdlmBlCallback = 104, Dlm;
    /// `LDLM_CP_CALLBACK`.
    LdlmCpCallback = 105, Dlm;
    /// `LDLM_GL_CALLBACK`.
    LdlmGlCallback = 106, Dlm;
    /// `MGS_CONNECT`.
    MgsConnect = 250, Obd;
    /// `MGS_DISCONNECT`.
    MgsDisconnect = 251, Obd;
    /// `MGS_CONFIG_READ`.
    MgsConfigRead = 256, Mgs;
    /// `OBD_PING`.
    ObdPing = 400, Obd;
    /// `LLOG_ORIGIN_HANDLE_CREATE`.
    LlogOriginHandleCreate = 501, Log;
    /// `LLOG_ORIGIN_HANDLE_NEXT_BLOCK`.
    LlogOriginHandleNextBlock = 502, Log;
    /// `LLOG_ORIGIN_HANDLE_READ_HEADER`.
    LlogOriginHandleReadHeader = 503, Log;
    /// `SEQ_QUERY`.
    SeqQuery = 700, Mds;
    /// `FLD_QUERY`.
    FldQuery = 900, Mds;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_values_and_services() {
        assert_eq!(Opcode::from_wire(3), Some(Opcode::OstRead));
        assert_eq!(Opcode::OstRead.service().version_bits() | 3, 0x0003_0003);
        assert_eq!(Opcode::from_wire(38), Some(Opcode::MdsConnect));
        assert_eq!(Opcode::MdsConnect.service(), Service::Obd);
        assert_eq!(
            Opcode::from_wire(256).map(Opcode::service),
            Some(Service::Mgs)
        );
        assert_eq!(Opcode::from_wire(0), None);
        assert_eq!(Opcode::from_wire(u32::MAX), None);
        assert_eq!(Opcode::LdlmEnqueue as u32, 101);
    }
}
