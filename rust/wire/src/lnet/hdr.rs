//! The LNet message header (`struct lnet_hdr`, 72 bytes), which starts every
//! LNet message on a socklnd V1-V3 connection. All its fields are
//! little-endian whatever the sender's byte order.

use core::mem::{offset_of, size_of};

use super::LNET_MTU;
use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;

/// A handle on a memory descriptor of the node that sent it
/// (`struct lnet_handle_wire`): opaque to the peer, which echoes it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WireHandle {
    /// `wh_interface_cookie`.
    pub interface_cookie: u64,
    /// `wh_object_cookie`.
    pub object_cookie: u64,
}

impl WireHandle {
    /// "No handle" (`LNET_WIRE_HANDLE_COOKIE_NONE` in both cookies): in a PUT,
    /// no ACK is wanted.
    pub const NONE: WireHandle = WireHandle {
        interface_cookie: u64::MAX,
        object_cookie: u64::MAX,
    };
}

/// The type-specific part of an LNet header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LnetMsg {
    /// Confirms that a PUT's data is in place (`LNET_MSG_ACK`).
    Ack {
        /// The PUT's `ack_wmd`.
        dst_wmd: WireHandle,
        /// The PUT's match bits.
        match_bits: u64,
        /// The bytes deposited.
        mlength: u32,
    },
    /// Deposits the payload in the peer's buffer (`LNET_MSG_PUT`).
    Put {
        /// Where to send the ACK; [`WireHandle::NONE`] for no ACK.
        ack_wmd: WireHandle,
        /// Selects the buffer on the portal.
        match_bits: u64,
        /// Opaque data for the receiver (ptlrpc sends 0).
        hdr_data: u64,
        /// The portal.
        ptl_index: u32,
        /// The offset wanted in the target buffer.
        offset: u32,
    },
    /// Asks for data from the peer's buffer (`LNET_MSG_GET`).
    Get {
        /// Where the REPLY goes.
        return_wmd: WireHandle,
        /// Selects the buffer on the portal.
        match_bits: u64,
        /// The portal.
        ptl_index: u32,
        /// The offset to read from.
        src_offset: u32,
        /// The bytes wanted.
        sink_length: u32,
    },
    /// Carries the data a GET asked for (`LNET_MSG_REPLY`).
    Reply {
        /// The GET's `return_wmd`.
        dst_wmd: WireHandle,
    },
    /// The socklnd V1 handshake (`LNET_MSG_HELLO`).
    Hello {
        /// The sender's incarnation.
        incarnation: u64,
        /// The connection type.
        conn_type: u32,
    },
}

impl LnetMsg {
    /// The `type` field of the header.
    pub const fn msg_type(&self) -> u32 {
        match self {
            LnetMsg::Ack { .. } => LNET_MSG_ACK,
            LnetMsg::Put { .. } => LNET_MSG_PUT,
            LnetMsg::Get { .. } => LNET_MSG_GET,
            LnetMsg::Reply { .. } => LNET_MSG_REPLY,
            LnetMsg::Hello { .. } => LNET_MSG_HELLO,
        }
    }
}

const LNET_MSG_ACK: u32 = 0;
const LNET_MSG_PUT: u32 = 1;
const LNET_MSG_GET: u32 = 2;
const LNET_MSG_REPLY: u32 = 3;
const LNET_MSG_HELLO: u32 = 4;

/// An LNet message header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LnetHdr {
    /// The NID of the receiver (`lnet_nid_t`).
    pub dest_nid: u64,
    /// The NID of the sender.
    pub src_nid: u64,
    /// The PID of the receiving process.
    pub dest_pid: u32,
    /// The PID of the sending process.
    pub src_pid: u32,
    /// The bytes of payload that follow the header.
    pub payload_length: u32,
    /// The type and its fields.
    pub msg: LnetMsg,
}

// The layouts of `struct lnet_hdr` and its parts, for their offsets and
// sizes only: the codec reads and writes fields one by one.
#[allow(dead_code)]
#[repr(C)]
struct RawHandle {
    wh_interface_cookie: u64,
    wh_object_cookie: u64,
}

#[allow(dead_code)]
#[repr(C)]
struct RawHdr {
    dest_nid: u64,
    src_nid: u64,
    dest_pid: u32,
    src_pid: u32,
    type_: u32,
    payload_length: u32,
    msg: [u64; 5],
}

#[allow(dead_code)]
#[repr(C)]
struct RawAck {
    dst_wmd: RawHandle,
    match_bits: u64,
    mlength: u32,
}

#[allow(dead_code)]
#[repr(C)]
struct RawPut {
    ack_wmd: RawHandle,
    match_bits: u64,
    hdr_data: u64,
    ptl_index: u32,
    offset: u32,
}

#[allow(dead_code)]
#[repr(C)]
struct RawGet {
    return_wmd: RawHandle,
    match_bits: u64,
    ptl_index: u32,
    src_offset: u32,
    sink_length: u32,
}

#[allow(dead_code)]
#[repr(C)]
struct RawHello {
    incarnation: u64,
    type_: u32,
}

/// The size of `struct lnet_hdr` on the wire.
pub const LNET_HDR_SIZE: usize = size_of::<RawHdr>();

const MSG: usize = offset_of!(RawHdr, msg);

// The sizes and offsets that Lustre's wire checks assert.
const _: () = {
    assert!(LNET_HDR_SIZE == 72);
    assert!(offset_of!(RawHdr, src_nid) == 8);
    assert!(offset_of!(RawHdr, dest_pid) == 16);
    assert!(offset_of!(RawHdr, src_pid) == 20);
    assert!(offset_of!(RawHdr, type_) == 24);
    assert!(offset_of!(RawHdr, payload_length) == 28);
    assert!(MSG == 32);
    assert!(MSG + offset_of!(RawPut, match_bits) == 48);
    assert!(MSG + offset_of!(RawPut, hdr_data) == 56);
    assert!(MSG + offset_of!(RawPut, ptl_index) == 64);
    assert!(MSG + offset_of!(RawPut, offset) == 68);
    assert!(MSG + offset_of!(RawGet, ptl_index) == 56);
    assert!(MSG + offset_of!(RawGet, src_offset) == 60);
    assert!(MSG + offset_of!(RawGet, sink_length) == 64);
    assert!(MSG + offset_of!(RawAck, mlength) == 56);
    assert!(MSG + offset_of!(RawHello, type_) == 40);
    assert!(size_of::<RawPut>() <= 40 && size_of::<RawGet>() <= 40);
};

fn get_handle(f: &Fields<'_>, off: usize) -> Result<WireHandle, WireError> {
    Ok(WireHandle {
        interface_cookie: f.u64(off)?,
        object_cookie: f.u64(off + 8)?,
    })
}

fn put_handle(f: &mut FieldsMut<'_>, off: usize, h: WireHandle) -> Result<(), WireError> {
    f.put_u64(off, h.interface_cookie)?;
    f.put_u64(off + 8, h.object_cookie)
}

fn bad(field: &'static str, value: u32) -> WireError {
    WireError::BadField {
        field,
        value: value.into(),
    }
}

impl LnetHdr {
    /// Decodes the header at the start of `buf`.
    ///
    /// # Errors
    /// [`WireError`] when `buf` is short, the type is unknown, or the payload
    /// length does not fit the type (none for ACK and GET, at most
    /// [`LNET_MTU`] otherwise).
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let f = Fields::new("lnet_hdr", buf, LNET_HDR_SIZE, ByteOrder::Little)?;
        let msg_type = f.u32(offset_of!(RawHdr, type_))?;
        let payload_length = f.u32(offset_of!(RawHdr, payload_length))?;
        let msg = match msg_type {
            LNET_MSG_ACK => LnetMsg::Ack {
                dst_wmd: get_handle(&f, MSG + offset_of!(RawAck, dst_wmd))?,
                match_bits: f.u64(MSG + offset_of!(RawAck, match_bits))?,
                mlength: f.u32(MSG + offset_of!(RawAck, mlength))?,
            },
            LNET_MSG_PUT => LnetMsg::Put {
                ack_wmd: get_handle(&f, MSG + offset_of!(RawPut, ack_wmd))?,
                match_bits: f.u64(MSG + offset_of!(RawPut, match_bits))?,
                hdr_data: f.u64(MSG + offset_of!(RawPut, hdr_data))?,
                ptl_index: f.u32(MSG + offset_of!(RawPut, ptl_index))?,
                offset: f.u32(MSG + offset_of!(RawPut, offset))?,
            },
            LNET_MSG_GET => LnetMsg::Get {
                return_wmd: get_handle(&f, MSG + offset_of!(RawGet, return_wmd))?,
                match_bits: f.u64(MSG + offset_of!(RawGet, match_bits))?,
                ptl_index: f.u32(MSG + offset_of!(RawGet, ptl_index))?,
                src_offset: f.u32(MSG + offset_of!(RawGet, src_offset))?,
                sink_length: f.u32(MSG + offset_of!(RawGet, sink_length))?,
            },
            LNET_MSG_REPLY => LnetMsg::Reply {
                dst_wmd: get_handle(&f, MSG)?,
            },
            LNET_MSG_HELLO => LnetMsg::Hello {
                incarnation: f.u64(MSG + offset_of!(RawHello, incarnation))?,
                conn_type: f.u32(MSG + offset_of!(RawHello, type_))?,
            },
            other => return Err(bad("lnet_hdr.type", other)),
        };
        let max_payload = match msg {
            LnetMsg::Ack { .. } | LnetMsg::Get { .. } => 0,
            _ => LNET_MTU,
        };
        if payload_length > max_payload {
            return Err(bad("lnet_hdr.payload_length", payload_length));
        }
        Ok(LnetHdr {
            dest_nid: f.u64(offset_of!(RawHdr, dest_nid))?,
            src_nid: f.u64(offset_of!(RawHdr, src_nid))?,
            dest_pid: f.u32(offset_of!(RawHdr, dest_pid))?,
            src_pid: f.u32(offset_of!(RawHdr, src_pid))?,
            payload_length,
            msg,
        })
    }

    /// Encodes the header into the first [`LNET_HDR_SIZE`] bytes of `buf`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("lnet_hdr", buf, LNET_HDR_SIZE)?;
        f.put_u64(offset_of!(RawHdr, dest_nid), self.dest_nid)?;
        f.put_u64(offset_of!(RawHdr, src_nid), self.src_nid)?;
        f.put_u32(offset_of!(RawHdr, dest_pid), self.dest_pid)?;
        f.put_u32(offset_of!(RawHdr, src_pid), self.src_pid)?;
        f.put_u32(offset_of!(RawHdr, type_), self.msg.msg_type())?;
        f.put_u32(offset_of!(RawHdr, payload_length), self.payload_length)?;
        match self.msg {
            LnetMsg::Ack {
                dst_wmd,
                match_bits,
                mlength,
            } => {
                put_handle(&mut f, MSG + offset_of!(RawAck, dst_wmd), dst_wmd)?;
                f.put_u64(MSG + offset_of!(RawAck, match_bits), match_bits)?;
                f.put_u32(MSG + offset_of!(RawAck, mlength), mlength)
            }
            LnetMsg::Put {
                ack_wmd,
                match_bits,
                hdr_data,
                ptl_index,
                offset,
            } => {
                put_handle(&mut f, MSG + offset_of!(RawPut, ack_wmd), ack_wmd)?;
                f.put_u64(MSG + offset_of!(RawPut, match_bits), match_bits)?;
                f.put_u64(MSG + offset_of!(RawPut, hdr_data), hdr_data)?;
                f.put_u32(MSG + offset_of!(RawPut, ptl_index), ptl_index)?;
                f.put_u32(MSG + offset_of!(RawPut, offset), offset)
            }
            LnetMsg::Get {
                return_wmd,
                match_bits,
                ptl_index,
                src_offset,
                sink_length,
            } => {
                put_handle(&mut f, MSG + offset_of!(RawGet, return_wmd), return_wmd)?;
                f.put_u64(MSG + offset_of!(RawGet, match_bits), match_bits)?;
                f.put_u32(MSG + offset_of!(RawGet, ptl_index), ptl_index)?;
                f.put_u32(MSG + offset_of!(RawGet, src_offset), src_offset)?;
                f.put_u32(MSG + offset_of!(RawGet, sink_length), sink_length)
            }
            LnetMsg::Reply { dst_wmd } => put_handle(&mut f, MSG, dst_wmd),
            LnetMsg::Hello {
                incarnation,
                conn_type,
            } => {
                f.put_u64(MSG + offset_of!(RawHello, incarnation), incarnation)?;
                f.put_u32(MSG + offset_of!(RawHello, type_), conn_type)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put() -> LnetHdr {
        LnetHdr {
            dest_nid: 0x0002_0000_c0a8_0101,
            src_nid: 0x0002_0000_c0a8_0102,
            dest_pid: 12345,
            src_pid: 12345,
            payload_length: 0x1234,
            msg: LnetMsg::Put {
                ack_wmd: WireHandle::NONE,
                match_bits: 0x0102_0304_0506_0708,
                hdr_data: 0,
                ptl_index: 12,
                offset: 0,
            },
        }
    }

    #[test]
    fn encodes_a_put_byte_for_byte() {
        let mut buf = [0u8; LNET_HDR_SIZE];
        put().encode(&mut buf).unwrap();
        let mut want = [0u8; 72];
        want[0..8].copy_from_slice(&[0x01, 0x01, 0xa8, 0xc0, 0, 0, 2, 0]);
        want[8..16].copy_from_slice(&[0x02, 0x01, 0xa8, 0xc0, 0, 0, 2, 0]);
        want[16..20].copy_from_slice(&12345u32.to_le_bytes());
        want[20..24].copy_from_slice(&12345u32.to_le_bytes());
        want[24..28].copy_from_slice(&[1, 0, 0, 0]);
        want[28..32].copy_from_slice(&[0x34, 0x12, 0, 0]);
        want[32..48].fill(0xff);
        want[48..56].copy_from_slice(&[8, 7, 6, 5, 4, 3, 2, 1]);
        want[64..68].copy_from_slice(&[12, 0, 0, 0]);
        assert_eq!(buf, want);
        assert_eq!(LnetHdr::decode(&buf).unwrap(), put());
    }

    #[test]
    fn rejects_bad_headers() {
        let mut buf = [0u8; LNET_HDR_SIZE];
        put().encode(&mut buf).unwrap();
        assert!(matches!(
            LnetHdr::decode(&buf[..71]),
            Err(WireError::Short { need: 72, .. })
        ));
        let mut bad_type = buf;
        bad_type[24] = 5;
        assert_eq!(
            LnetHdr::decode(&bad_type),
            Err(WireError::BadField {
                field: "lnet_hdr.type",
                value: 5
            })
        );
        let mut too_long = buf;
        too_long[28..32].copy_from_slice(&(LNET_MTU + 1).to_le_bytes());
        assert!(LnetHdr::decode(&too_long).is_err());
        let mut get_with_payload = buf;
        get_with_payload[24] = 2;
        assert!(LnetHdr::decode(&get_with_payload).is_err());
    }
}
