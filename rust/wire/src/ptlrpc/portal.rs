//! The LNet portals of ptlrpc services (`lustre_idl.h`): where each kind of
//! target takes requests, and where clients take replies and bulk data.

/// `OSC_REPLY_PORTAL`: clients take OST replies here.
pub const OSC_REPLY_PORTAL: u32 = 4;
/// `OST_IO_PORTAL`: OSTs take READ, WRITE, PUNCH and friends.
pub const OST_IO_PORTAL: u32 = 6;
/// `OST_CREATE_PORTAL`: OSTs take STATFS and CREATE.
pub const OST_CREATE_PORTAL: u32 = 7;
/// `OST_BULK_PORTAL`: clients' buffers for OST bulk data.
pub const OST_BULK_PORTAL: u32 = 8;
/// `MDC_REPLY_PORTAL`: clients take MDT replies here.
pub const MDC_REPLY_PORTAL: u32 = 10;
/// `MDS_REQUEST_PORTAL`: MDTs take most requests.
pub const MDS_REQUEST_PORTAL: u32 = 12;
/// `MDS_IO_PORTAL`: MDTs take renames and Data-on-MDT I/O.
pub const MDS_IO_PORTAL: u32 = 13;
/// `MDS_BULK_PORTAL`: clients' buffers for readdir pages.
pub const MDS_BULK_PORTAL: u32 = 14;
/// `LDLM_CB_REQUEST_PORTAL`: clients take lock callbacks from servers.
pub const LDLM_CB_REQUEST_PORTAL: u32 = 15;
/// `LDLM_CB_REPLY_PORTAL`: servers take the replies to callbacks.
pub const LDLM_CB_REPLY_PORTAL: u32 = 16;
/// `LDLM_CANCEL_REQUEST_PORTAL`: servers take LDLM_CANCEL.
pub const LDLM_CANCEL_REQUEST_PORTAL: u32 = 17;
/// `LDLM_CANCEL_REPLY_PORTAL`: clients take LDLM_CANCEL replies.
pub const LDLM_CANCEL_REPLY_PORTAL: u32 = 18;
/// `MDS_READPAGE_PORTAL`: MDTs take READPAGE, CLOSE, GETATTR, GETXATTR.
pub const MDS_READPAGE_PORTAL: u32 = 23;
/// `MGC_REPLY_PORTAL`: clients take MGS replies here.
pub const MGC_REPLY_PORTAL: u32 = 25;
/// `MGS_REQUEST_PORTAL`: the MGS takes everything the client sends it.
pub const MGS_REQUEST_PORTAL: u32 = 26;
/// `OST_REQUEST_PORTAL`: OSTs take connect, GETATTR, SETATTR, ENQUEUE,
/// PING, DISCONNECT.
pub const OST_REQUEST_PORTAL: u32 = 28;
/// `SEQ_METADATA_PORTAL`: MDTs take SEQ_QUERY from clients.
pub const SEQ_METADATA_PORTAL: u32 = 30;
/// `MGS_BULK_PORTAL`: clients' buffers for MGS_CONFIG_READ data.
pub const MGS_BULK_PORTAL: u32 = 33;
