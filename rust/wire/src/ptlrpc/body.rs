//! The ptlrpc body (`struct ptlrpc_body_v3`, 184 bytes), buffer 0 of every
//! request and reply: opcode, status, transaction numbers, connection and
//! timeout state. Receivers accept the 152-byte `ptlrpc_body_v2` too (no job
//! id).

use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;
use crate::wire::ptlrpc::opcode::Opcode;

/// `pb_type` of a request (`PTL_RPC_MSG_REQUEST`).
pub const PTL_RPC_MSG_REQUEST: u32 = 4711;
/// `pb_type` of a request that was not processed (`PTL_RPC_MSG_ERR`).
pub const PTL_RPC_MSG_ERR: u32 = 4712;
/// `pb_type` of a reply (`PTL_RPC_MSG_REPLY`).
pub const PTL_RPC_MSG_REPLY: u32 = 4713;

/// The low bits of `pb_version` (`PTLRPC_MSG_VERSION`).
pub const PTLRPC_MSG_VERSION: u32 = 0x0000_0003;

/// The length of the job id (`LUSTRE_JOBID_SIZE`).
pub const LUSTRE_JOBID_SIZE: usize = 32;

#[allow(dead_code)]
#[repr(C)]
struct RawBody {
    pb_handle: u64,
    pb_type: u32,
    pb_version: u32,
    pb_opc: u32,
    pb_status: u32,
    pb_last_xid: u64,
    pb_tag: u16,
    pb_padding0: u16,
    pb_projid: u32,
    pb_last_committed: u64,
    pb_transno: u64,
    pb_flags: u32,
    pb_op_flags: u32,
    pb_conn_cnt: u32,
    pb_timeout: u32,
    pb_service_time: u32,
    pb_limit: u32,
    pb_slv: u64,
    pb_pre_versions: [u64; 4],
    pb_mbits: u64,
    pb_padding64_0: u64,
    pb_padding64_1: u64,
    pb_uid: u32,
    pb_gid: u32,
    pb_jobid: [u8; LUSTRE_JOBID_SIZE],
}

/// The size of `ptlrpc_body_v3`, which we send.
pub const PTLRPC_BODY_SIZE: usize = size_of::<RawBody>();
/// The size of `ptlrpc_body_v2`, the least we accept.
pub const PTLRPC_BODY_V2_SIZE: usize = offset_of!(RawBody, pb_jobid);

const _: () = {
    assert!(PTLRPC_BODY_SIZE == 184);
    assert!(PTLRPC_BODY_V2_SIZE == 152);
    assert!(offset_of!(RawBody, pb_type) == 8);
    assert!(offset_of!(RawBody, pb_version) == 12);
    assert!(offset_of!(RawBody, pb_opc) == 16);
    assert!(offset_of!(RawBody, pb_status) == 20);
    assert!(offset_of!(RawBody, pb_last_xid) == 24);
    assert!(offset_of!(RawBody, pb_tag) == 32);
    assert!(offset_of!(RawBody, pb_projid) == 36);
    assert!(offset_of!(RawBody, pb_last_committed) == 40);
    assert!(offset_of!(RawBody, pb_transno) == 48);
    assert!(offset_of!(RawBody, pb_flags) == 56);
    assert!(offset_of!(RawBody, pb_op_flags) == 60);
    assert!(offset_of!(RawBody, pb_conn_cnt) == 64);
    assert!(offset_of!(RawBody, pb_timeout) == 68);
    assert!(offset_of!(RawBody, pb_service_time) == 72);
    assert!(offset_of!(RawBody, pb_limit) == 76);
    assert!(offset_of!(RawBody, pb_slv) == 80);
    assert!(offset_of!(RawBody, pb_pre_versions) == 88);
    assert!(offset_of!(RawBody, pb_mbits) == 120);
    assert!(offset_of!(RawBody, pb_uid) == 144);
    assert!(offset_of!(RawBody, pb_gid) == 148);
};

/// A ptlrpc body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PtlrpcBody {
    /// The export handle the server gave at connect (`pb_handle`).
    pub handle: u64,
    /// `PTL_RPC_MSG_*`.
    pub msg_type: u32,
    /// The service bits and [`PTLRPC_MSG_VERSION`].
    pub version: u32,
    /// The opcode.
    pub opc: u32,
    /// In a reply: 0, a negative errno, or a positive LDLM code or count.
    pub status: i32,
    /// The XID below which the client has every reply.
    pub last_xid: u64,
    /// The modify-RPC slot, or 0.
    pub tag: u16,
    /// The project id.
    pub projid: u32,
    /// The highest committed transaction number.
    pub last_committed: u64,
    /// The transaction number of a modifying RPC.
    pub transno: u64,
    /// `MSG_*` flags.
    pub flags: u32,
    /// Connect flags (`MSG_CONNECT_*`).
    pub op_flags: u32,
    /// The client's connection count for the target.
    pub conn_cnt: u32,
    /// Request: how long the client waits (s); reply: the service estimate.
    pub timeout: u32,
    /// Time spent serving the request (s).
    pub service_time: u32,
    /// The LDLM LRU limit.
    pub limit: u32,
    /// The server lock volume.
    pub slv: u64,
    /// Object versions for version-based recovery.
    pub pre_versions: [u64; 4],
    /// Bulk and reply match bits.
    pub mbits: u64,
    /// The caller's uid.
    pub uid: u32,
    /// The caller's gid.
    pub gid: u32,
    /// The job id, NUL-padded; zero from a v2 body.
    pub jobid: [u8; LUSTRE_JOBID_SIZE],
}

impl PtlrpcBody {
    /// The body of request `opc` with XID `xid`, sent on the connection
    /// whose export handle is `handle` and connection count `conn_cnt`;
    /// its other fields (flags, timeout) are the caller's to set.
    pub fn request(opc: Opcode, xid: u64, handle: u64, conn_cnt: u32) -> Self {
        PtlrpcBody {
            handle,
            msg_type: PTL_RPC_MSG_REQUEST,
            version: PTLRPC_MSG_VERSION | opc.service().version_bits(),
            opc: opc as u32,
            // Synchronous: every earlier reply has come.
            last_xid: xid.saturating_sub(1),
            conn_cnt,
            ..PtlrpcBody::default()
        }
    }

    /// Decodes a body (v3, or v2 without the job id) in byte order `order`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is shorter than a v2 body.
    pub fn decode(buf: &[u8], order: ByteOrder) -> Result<Self, WireError> {
        let f = Fields::new("ptlrpc_body", buf, PTLRPC_BODY_V2_SIZE, order)?;
        let mut pre_versions = [0; 4];
        for (i, v) in pre_versions.iter_mut().enumerate() {
            *v = f.u64(offset_of!(RawBody, pb_pre_versions) + 8 * i)?;
        }
        let jobid = match Fields::new("ptlrpc_body", buf, PTLRPC_BODY_SIZE, order) {
            Ok(v3) => v3.bytes(offset_of!(RawBody, pb_jobid))?,
            Err(_) => [0; LUSTRE_JOBID_SIZE],
        };
        Ok(PtlrpcBody {
            handle: f.u64(offset_of!(RawBody, pb_handle))?,
            msg_type: f.u32(offset_of!(RawBody, pb_type))?,
            version: f.u32(offset_of!(RawBody, pb_version))?,
            opc: f.u32(offset_of!(RawBody, pb_opc))?,
            status: f.u32(offset_of!(RawBody, pb_status))? as i32,
            last_xid: f.u64(offset_of!(RawBody, pb_last_xid))?,
            tag: f.u16(offset_of!(RawBody, pb_tag))?,
            projid: f.u32(offset_of!(RawBody, pb_projid))?,
            last_committed: f.u64(offset_of!(RawBody, pb_last_committed))?,
            transno: f.u64(offset_of!(RawBody, pb_transno))?,
            flags: f.u32(offset_of!(RawBody, pb_flags))?,
            op_flags: f.u32(offset_of!(RawBody, pb_op_flags))?,
            conn_cnt: f.u32(offset_of!(RawBody, pb_conn_cnt))?,
            timeout: f.u32(offset_of!(RawBody, pb_timeout))?,
            service_time: f.u32(offset_of!(RawBody, pb_service_time))?,
            limit: f.u32(offset_of!(RawBody, pb_limit))?,
            slv: f.u64(offset_of!(RawBody, pb_slv))?,
            pre_versions,
            mbits: f.u64(offset_of!(RawBody, pb_mbits))?,
            uid: f.u32(offset_of!(RawBody, pb_uid))?,
            gid: f.u32(offset_of!(RawBody, pb_gid))?,
            jobid,
        })
    }

    /// Encodes the body (v3) into the first [`PTLRPC_BODY_SIZE`] bytes of
    /// `buf`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("ptlrpc_body", buf, PTLRPC_BODY_SIZE)?;
        f.put_u64(offset_of!(RawBody, pb_handle), self.handle)?;
        f.put_u32(offset_of!(RawBody, pb_type), self.msg_type)?;
        f.put_u32(offset_of!(RawBody, pb_version), self.version)?;
        f.put_u32(offset_of!(RawBody, pb_opc), self.opc)?;
        f.put_u32(offset_of!(RawBody, pb_status), self.status as u32)?;
        f.put_u64(offset_of!(RawBody, pb_last_xid), self.last_xid)?;
        f.put_u16(offset_of!(RawBody, pb_tag), self.tag)?;
        f.put_u32(offset_of!(RawBody, pb_projid), self.projid)?;
        f.put_u64(offset_of!(RawBody, pb_last_committed), self.last_committed)?;
        f.put_u64(offset_of!(RawBody, pb_transno), self.transno)?;
        f.put_u32(offset_of!(RawBody, pb_flags), self.flags)?;
        f.put_u32(offset_of!(RawBody, pb_op_flags), self.op_flags)?;
        f.put_u32(offset_of!(RawBody, pb_conn_cnt), self.conn_cnt)?;
        f.put_u32(offset_of!(RawBody, pb_timeout), self.timeout)?;
        f.put_u32(offset_of!(RawBody, pb_service_time), self.service_time)?;
        f.put_u32(offset_of!(RawBody, pb_limit), self.limit)?;
        f.put_u64(offset_of!(RawBody, pb_slv), self.slv)?;
        for (i, &v) in self.pre_versions.iter().enumerate() {
            f.put_u64(offset_of!(RawBody, pb_pre_versions) + 8 * i, v)?;
        }
        f.put_u64(offset_of!(RawBody, pb_mbits), self.mbits)?;
        f.put_u32(offset_of!(RawBody, pb_uid), self.uid)?;
        f.put_u32(offset_of!(RawBody, pb_gid), self.gid)?;
        f.put_bytes(offset_of!(RawBody, pb_jobid), &self.jobid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> PtlrpcBody {
        let mut jobid = [0; LUSTRE_JOBID_SIZE];
        jobid[..6].copy_from_slice(b"dd.0.0");
        PtlrpcBody {
            handle: 0x1122_3344_5566_7788,
            msg_type: PTL_RPC_MSG_REQUEST,
            version: 0x0003_0003,
            opc: 3,
            status: -2,
            last_xid: 41,
            tag: 0x0102,
            conn_cnt: 1,
            timeout: 100,
            pre_versions: [1, 2, 3, 4],
            mbits: 42,
            uid: 1000,
            gid: 100,
            jobid,
            ..PtlrpcBody::default()
        }
    }

    #[test]
    fn round_trips_with_the_right_offsets() {
        let mut buf = [0u8; PTLRPC_BODY_SIZE];
        body().encode(&mut buf).unwrap();
        assert_eq!(&buf[8..12], &4711u32.to_le_bytes());
        assert_eq!(&buf[12..16], &[3, 0, 3, 0]);
        assert_eq!(&buf[20..24], &[0xfe, 0xff, 0xff, 0xff]);
        assert_eq!(&buf[32..34], &[2, 1]);
        assert_eq!(&buf[120..128], &42u64.to_le_bytes());
        assert_eq!(&buf[152..158], b"dd.0.0");
        assert_eq!(PtlrpcBody::decode(&buf, ByteOrder::Little), Ok(body()));
    }

    #[test]
    fn accepts_a_v2_body_and_rejects_shorter() {
        let mut buf = [0u8; PTLRPC_BODY_SIZE];
        body().encode(&mut buf).unwrap();
        let v2 = PtlrpcBody::decode(&buf[..PTLRPC_BODY_V2_SIZE], ByteOrder::Little).unwrap();
        assert_eq!(v2.jobid, [0; LUSTRE_JOBID_SIZE]);
        assert_eq!(v2.opc, 3);
        assert!(PtlrpcBody::decode(&buf[..151], ByteOrder::Little).is_err());
    }

    #[test]
    fn decodes_big_endian() {
        let mut buf = [0u8; PTLRPC_BODY_SIZE];
        buf[16..20].copy_from_slice(&400u32.to_be_bytes());
        buf[32..34].copy_from_slice(&7u16.to_be_bytes());
        let b = PtlrpcBody::decode(&buf, ByteOrder::Big).unwrap();
        assert_eq!(b.opc, 400);
        assert_eq!(b.tag, 7);
    }
}
