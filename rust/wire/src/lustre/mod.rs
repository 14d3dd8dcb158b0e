//! The Lustre structures carried in ptlrpc buffers.

/// File identifiers (`struct lu_fid`).
pub mod fid;

/// The connection and file system structures (`obd_connect_data`,
/// `obd_statfs`).
pub mod obd;

/// The connect flags of `obd_connect_data`.
pub mod connect_flags;

/// The metadata body (`mdt_body`).
pub mod mdt;

/// The object structures of OST RPCs (`obdo`, `obd_ioobj`,
/// `niobuf_remote`, `ost_lvb`).
pub mod ost;

/// The lock manager's structures (LDLM).
pub mod ldlm;

/// File layouts (`lov_mds_md_v1/v3`, `lov_ost_data_v1`).
pub mod lov;

/// Readdir pages (`lu_dirpage`, `lu_dirent`).
pub mod dir;

/// The records of MDS_REINT (`mdt_rec_create`, `mdt_rec_setattr`,
/// `mdt_rec_reint`).
pub mod reint;

/// The MGS and log-reading structures (`mgs_config_body`,
/// `mgs_config_res`, `llogd_body`).
pub mod mgs;

/// Llog files: headers and records (`llog_log_hdr`, `llog_rec_hdr`).
pub mod llog;

/// Reading a log from a server, chunk by chunk.
pub mod llog_read;

/// Configuration records (`lustre_cfg`, `cfg_marker`).
pub mod cfg;

/// The client configuration log, as a client reads it.
pub mod client_log;

/// The error numbers carried on the wire.
pub mod errno;
