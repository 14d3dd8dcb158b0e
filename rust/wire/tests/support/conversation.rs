//! A whole client-server conversation, encoded with the wire crate: the
//! bytes a Lustre client and server exchange over socklnd, from the
//! acceptor's connection request to the disconnects. The tshark test writes
//! it to a capture for an independent decoder; the fuzzing seed writer cuts
//! it into the units each decoder reads.
//!
//! Like a real client, the client opens three typed socklnd connections to
//! the server (control, bulk in, bulk out); requests, replies and the
//! server's GETs go on the control connection, the read data the server
//! PUTs on the client's bulk-in connection, and the write data the client
//! sends back on its bulk-out connection.

use wire::lnet::acceptor::{encode_v1, CONNREQ_SIZE};
use wire::lnet::hdr::{LnetHdr, LnetMsg, WireHandle, LNET_HDR_SIZE};
use wire::lnet::LNET_PID_LUSTRE;
use wire::lustre::fid::LuFid;
use wire::lustre::ldlm::{
    res_id_of_fid, LdlmIntent, LdlmLockDesc, LdlmReply, LdlmRequest, IT_GETATTR,
    LDLM_FL_HAS_INTENT, LDLM_IBITS, LDLM_INTENT_SIZE, LDLM_REPLY_SIZE, LDLM_REQUEST_SIZE,
    MDS_INODELOCK_LOOKUP, MDS_INODELOCK_UPDATE,
};
use wire::lustre::mdt::{MdtBody, MDT_BODY_SIZE, OBD_MD_FLID};
use wire::lustre::obd::{ObdConnectData, OBD_CONNECT_DATA_SIZE};
use wire::lustre::ost::{
    NiobufRemote, ObdIoobj, Obdo, NIOBUF_REMOTE_SIZE, OBDO_SIZE, OBD_IOOBJ_SIZE,
};
use wire::nid::{LndType, Net, Nid};
use wire::ptlrpc::body::{
    PtlrpcBody, PTLRPC_BODY_SIZE, PTLRPC_MSG_VERSION, PTL_RPC_MSG_REPLY, PTL_RPC_MSG_REQUEST,
};
use wire::ptlrpc::msg::{msg_size, LustreMsgMut, MsgHeader};
use wire::ptlrpc::opcode::Opcode;
use wire::socklnd::hello::{ConnType, Hello, HELLO_SIZE, KSOCK_PROTO_V3};
use wire::socklnd::msg::{KsockMsgHdr, KsockMsgType, KSOCK_MSG_HDR_SIZE};

/// The client's NID, `192.168.1.10@tcp`.
pub const CLIENT_IP: [u8; 4] = [192, 168, 1, 10];
/// The server's NID, `192.168.1.20@tcp`.
pub const SERVER_IP: [u8; 4] = [192, 168, 1, 20];
/// The server's port.
pub const SERVER_PORT: u16 = 988;
/// The portal the server PUTs read data to, and GETs write data from
/// (`OST_BULK_PORTAL`).
pub const OST_BULK_PORTAL: u32 = 8;

/// The connections, with the client's (privileged) source port each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conn {
    /// Small messages both ways.
    Control = 1023,
    /// Data to the client.
    BulkIn = 1022,
    /// Data from the client.
    BulkOut = 1021,
}

/// One unit of the conversation, with what it is for the decoders.
#[derive(Clone, Debug)]
pub enum Unit {
    /// The acceptor's connection request.
    ConnReq(Vec<u8>),
    /// A socklnd HELLO (with no IP list).
    Hello(Vec<u8>),
    /// A socklnd message: its header, the LNet header, the payload.
    Lnet {
        /// The whole message, as sent.
        bytes: Vec<u8>,
        /// The LNet header, decoded back for the checks.
        hdr: LnetHdr,
        /// The payload is a ptlrpc message.
        rpc: Option<Rpc>,
    },
}

impl Unit {
    /// The bytes on the wire.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Unit::ConnReq(b) | Unit::Hello(b) | Unit::Lnet { bytes: b, .. } => b,
        }
    }
}

/// What a ptlrpc message is, for the checks.
#[derive(Clone, Debug)]
pub struct Rpc {
    /// Its opcode.
    pub opc: u32,
    /// `PTL_RPC_MSG_REQUEST` or `PTL_RPC_MSG_REPLY`.
    pub msg_type: u32,
    /// The FIDs it carries, in order.
    pub fids: Vec<LuFid>,
    /// Its buffers after the body, as encoded.
    pub bufs: Vec<Vec<u8>>,
}

/// One send on one connection.
#[derive(Clone, Debug)]
pub struct Send {
    /// The connection.
    pub conn: Conn,
    /// Whether the client sends it.
    pub from_client: bool,
    /// What it is.
    pub unit: Unit,
}

/// The NID of an IPv4 address on `tcp`.
pub fn nid(ip: [u8; 4]) -> u64 {
    Nid::new(Net::new(LndType::Tcp, 0), u32::from_be_bytes(ip)).as_u64()
}

/// Builds a ptlrpc message: `body`, then `bufs`.
pub fn lustre_msg(body: &PtlrpcBody, bufs: &[Vec<u8>]) -> Vec<u8> {
    let mut lens = vec![PTLRPC_BODY_SIZE as u32];
    lens.extend(bufs.iter().map(|b| b.len() as u32));
    let mut out = vec![0u8; msg_size(&lens).unwrap()];
    let mut m = LustreMsgMut::new(&mut out, &lens, &MsgHeader::default()).unwrap();
    body.encode(m.buffer_mut(0).unwrap()).unwrap();
    for (i, b) in bufs.iter().enumerate() {
        m.buffer_mut(i + 1).unwrap().copy_from_slice(b);
    }
    out
}

/// Encodes a socklnd LNet message with `msg` and `payload`.
fn lnet(from_client: bool, msg: LnetMsg, payload: &[u8], rpc: Option<Rpc>) -> Unit {
    let (src, dst) = if from_client {
        (CLIENT_IP, SERVER_IP)
    } else {
        (SERVER_IP, CLIENT_IP)
    };
    let hdr = LnetHdr {
        dest_nid: nid(dst),
        src_nid: nid(src),
        dest_pid: LNET_PID_LUSTRE,
        src_pid: LNET_PID_LUSTRE,
        payload_length: payload.len() as u32,
        msg,
    };
    let mut bytes = vec![0u8; KSOCK_MSG_HDR_SIZE + LNET_HDR_SIZE];
    KsockMsgHdr {
        msg_type: KsockMsgType::Lnet,
        csum: 0,
        zc_cookies: [0, 0],
    }
    .encode(&mut bytes)
    .unwrap();
    hdr.encode(&mut bytes[KSOCK_MSG_HDR_SIZE..]).unwrap();
    bytes.extend_from_slice(payload);
    Unit::Lnet { bytes, hdr, rpc }
}

fn put(
    from_client: bool,
    portal: u32,
    match_bits: u64,
    offset: u32,
    payload: &[u8],
    rpc: Option<Rpc>,
) -> Unit {
    let msg = LnetMsg::Put {
        ack_wmd: WireHandle::NONE,
        match_bits,
        hdr_data: 0,
        ptl_index: portal,
        offset,
    };
    lnet(from_client, msg, payload, rpc)
}

fn encoded<const N: usize>(f: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let mut b = vec![0u8; N];
    f(&mut b);
    b
}

fn mdt_body(fid: LuFid) -> Vec<u8> {
    encoded::<MDT_BODY_SIZE>(|b| {
        MdtBody {
            fid1: fid,
            valid: OBD_MD_FLID,
            ..MdtBody::default()
        }
        .encode(b)
        .unwrap()
    })
}

fn ost_body(fid: LuFid, size: u64) -> Vec<u8> {
    encoded::<OBDO_SIZE>(|b| {
        Obdo {
            o_oi: fid,
            o_size: size,
            ..Obdo::default()
        }
        .encode(b)
        .unwrap()
    })
}

fn uuid(s: &str) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    b.resize(39, 0);
    b
}

/// The conversation's state while it is built.
struct Builder {
    sends: Vec<Send>,
    xid: u64,
}

impl Builder {
    fn send(&mut self, conn: Conn, from_client: bool, unit: Unit) {
        self.sends.push(Send {
            conn,
            from_client,
            unit,
        });
    }

    /// The connection request and the HELLOs of one connection.
    fn connect(&mut self, conn: Conn, conn_type: ConnType) {
        let mut req = vec![0u8; CONNREQ_SIZE];
        encode_v1(nid(SERVER_IP), &mut req).unwrap();
        self.send(conn, true, Unit::ConnReq(req));
        for (from_client, ctype) in [(true, conn_type), (false, conn_type.invert())] {
            let (src, dst) = if from_client {
                (CLIENT_IP, SERVER_IP)
            } else {
                (SERVER_IP, CLIENT_IP)
            };
            let mut b = vec![0u8; HELLO_SIZE];
            Hello {
                version: KSOCK_PROTO_V3,
                src_nid: nid(src),
                dst_nid: nid(dst),
                src_pid: LNET_PID_LUSTRE,
                dst_pid: LNET_PID_LUSTRE,
                src_incarnation: if from_client { 0x1111 } else { 0x2222 },
                dst_incarnation: if from_client { 0 } else { 0x1111 },
                conn_type: ctype,
            }
            .encode(&mut b)
            .unwrap();
            self.send(conn, from_client, Unit::Hello(b));
        }
    }

    /// One ptlrpc message of RPC `opc` `xid`, PUT to `portal`.
    fn message(
        &mut self,
        from_client: bool,
        opc: Opcode,
        xid: u64,
        portal: u32,
        (bufs, fids): (Vec<Vec<u8>>, Vec<LuFid>),
    ) {
        let msg_type = if from_client {
            PTL_RPC_MSG_REQUEST
        } else {
            PTL_RPC_MSG_REPLY
        };
        let body = PtlrpcBody {
            msg_type,
            version: PTLRPC_MSG_VERSION | opc.service().version_bits(),
            opc: opc as u32,
            last_xid: xid - 1,
            mbits: xid,
            ..PtlrpcBody::default()
        };
        let payload = lustre_msg(&body, &bufs);
        let rpc = Rpc {
            opc: opc as u32,
            msg_type,
            fids,
            bufs,
        };
        // Under adaptive timeouts a reply lands after the room for an
        // early reply.
        let offset = if from_client { 0 } else { 224 };
        let unit = put(from_client, portal, xid, offset, &payload, Some(rpc));
        self.send(Conn::Control, from_client, unit);
    }

    /// A request to `portals.0` and its reply to `portals.1`, with the
    /// server's bulk transfer in between.
    fn rpc(
        &mut self,
        opc: Opcode,
        portals: (u32, u32),
        request: (Vec<Vec<u8>>, Vec<LuFid>),
        reply: (Vec<Vec<u8>>, Vec<LuFid>),
        bulk: impl FnOnce(&mut Self, u64),
    ) {
        self.xid += 1;
        let xid = self.xid;
        self.message(true, opc, xid, portals.0, request);
        bulk(self, xid);
        self.message(false, opc, xid, portals.1, reply);
    }
}

/// The MDT's and the OSTs' portals: (request, reply).
const MDT: (u32, u32) = (12, 10);
const OST: (u32, u32) = (28, 4);
const OST_IO: (u32, u32) = (6, 4);

/// A file's FID on the MDT and its object's on the OST.
pub const FILE_FID: LuFid = LuFid {
    seq: 0x2_0000_0401,
    oid: 0x2a,
    ver: 0,
};
/// The OST object of the file.
pub const OBJECT_FID: LuFid = LuFid {
    seq: 0x1_0000_0000,
    oid: 5,
    ver: 0,
};

/// The data written and read back.
pub fn data() -> Vec<u8> {
    (0..4096u32).map(|i| (i * 7 % 251) as u8).collect()
}

/// The whole conversation, in order.
pub fn conversation() -> Vec<Send> {
    let mut b = Builder {
        sends: Vec::new(),
        xid: 0x1000,
    };
    b.connect(Conn::Control, ConnType::Control);
    b.connect(Conn::BulkIn, ConnType::BulkIn);
    b.connect(Conn::BulkOut, ConnType::BulkOut);

    let ocd = encoded::<OBD_CONNECT_DATA_SIZE>(|buf| {
        ObdConnectData {
            version: 0x020f_0000,
            ..ObdConnectData::default()
        }
        .encode(buf)
        .unwrap()
    });
    let connect = |target: &str| {
        (
            vec![
                uuid(target),
                uuid("rustre-client_UUID"),
                vec![0; 8],
                ocd.clone(),
            ],
            vec![],
        )
    };
    b.rpc(
        Opcode::MdsConnect,
        MDT,
        connect("scratch-MDT0000_UUID"),
        (vec![ocd.clone()], vec![]),
        |_, _| (),
    );
    b.rpc(
        Opcode::MdsGetattr,
        MDT,
        (vec![mdt_body(LuFid::ROOT), vec![]], vec![LuFid::ROOT]),
        (vec![mdt_body(LuFid::ROOT)], vec![LuFid::ROOT]),
        |_, _| (),
    );
    let request = encoded::<LDLM_REQUEST_SIZE>(|buf| {
        LdlmRequest {
            lock_flags: LDLM_FL_HAS_INTENT,
            lock_count: 0,
            lock_desc: LdlmLockDesc {
                lr_type: LDLM_IBITS,
                lr_name: res_id_of_fid(&LuFid::ROOT),
                l_req_mode: 4,
                l_policy_data: [MDS_INODELOCK_LOOKUP | MDS_INODELOCK_UPDATE, 0, 0, 0],
                ..LdlmLockDesc::default()
            },
            lock_handle: [0x77, 0],
        }
        .encode(buf)
        .unwrap()
    });
    let reply = encoded::<LDLM_REPLY_SIZE>(|buf| {
        LdlmReply {
            lock_flags: 0,
            lock_desc: LdlmLockDesc {
                lr_type: LDLM_IBITS,
                lr_name: res_id_of_fid(&LuFid::ROOT),
                l_req_mode: 4,
                l_granted_mode: 4,
                ..LdlmLockDesc::default()
            },
            lock_handle: 0x9999,
            ..LdlmReply::default()
        }
        .encode(buf)
        .unwrap()
    });
    let intent =
        encoded::<LDLM_INTENT_SIZE>(|buf| LdlmIntent { opc: IT_GETATTR }.encode(buf).unwrap());
    let name = b"hello.txt\0".to_vec();
    b.rpc(
        Opcode::LdlmEnqueue,
        MDT,
        (
            vec![request, intent, mdt_body(LuFid::ROOT), vec![], name],
            vec![LuFid::ROOT],
        ),
        (vec![reply, mdt_body(FILE_FID)], vec![FILE_FID]),
        |_, _| (),
    );

    b.rpc(
        Opcode::OstConnect,
        OST,
        connect("scratch-OST0000_UUID"),
        (vec![ocd], vec![]),
        |_, _| (),
    );
    let ioobj = encoded::<OBD_IOOBJ_SIZE>(|buf| {
        ObdIoobj {
            ioo_oid: OBJECT_FID,
            ioo_max_brw: 1,
            ioo_bufcnt: 1,
        }
        .encode(buf)
        .unwrap()
    });
    let niobuf = encoded::<NIOBUF_REMOTE_SIZE>(|buf| {
        NiobufRemote {
            rnb_offset: 0,
            rnb_len: 4096,
            rnb_flags: 0,
        }
        .encode(buf)
        .unwrap()
    });
    let brw = || {
        (
            vec![
                ost_body(OBJECT_FID, 0),
                ioobj.clone(),
                niobuf.clone(),
                vec![],
            ],
            vec![OBJECT_FID],
        )
    };
    // Write: the server GETs the page from the client.
    b.rpc(
        Opcode::OstWrite,
        OST_IO,
        brw(),
        (
            vec![ost_body(OBJECT_FID, 4096), vec![0; 4]],
            vec![OBJECT_FID],
        ),
        |b, xid| {
            let get = LnetMsg::Get {
                return_wmd: WireHandle {
                    interface_cookie: 0x5555,
                    object_cookie: 0x6666,
                },
                match_bits: xid,
                ptl_index: OST_BULK_PORTAL,
                src_offset: 0,
                sink_length: 4096,
            };
            let unit = lnet(false, get, &[], None);
            b.send(Conn::Control, false, unit);
            let reply = LnetMsg::Reply {
                dst_wmd: WireHandle {
                    interface_cookie: 0x5555,
                    object_cookie: 0x6666,
                },
            };
            let unit = lnet(true, reply, &data(), None);
            b.send(Conn::BulkOut, true, unit);
        },
    );
    // Read: the server PUTs the page to the client.
    b.rpc(
        Opcode::OstRead,
        OST_IO,
        brw(),
        (vec![ost_body(OBJECT_FID, 4096)], vec![OBJECT_FID]),
        |b, xid| {
            let unit = put(false, OST_BULK_PORTAL, xid, 0, &data(), None);
            b.send(Conn::BulkIn, false, unit);
        },
    );
    b.rpc(
        Opcode::OstDisconnect,
        OST,
        (vec![], vec![]),
        (vec![], vec![]),
        |_, _| (),
    );
    b.rpc(
        Opcode::MdsDisconnect,
        MDT,
        (vec![], vec![]),
        (vec![], vec![]),
        |_, _| (),
    );
    b.sends
}
