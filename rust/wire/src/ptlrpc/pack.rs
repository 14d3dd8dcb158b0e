//! Building a whole message: a `ptlrpc_body` as buffer 0, then the RPC's
//! buffers, in one `lustre_msg_v2` ([`pack`]).

use crate::wire::error::WireError;
use crate::wire::ptlrpc::body::{PtlrpcBody, PTLRPC_BODY_SIZE};
use crate::wire::ptlrpc::msg::{msg_size, LustreMsgMut, MsgHeader, PTLRPC_MAX_BUFCOUNT};

/// The buffer lengths of a message of a body and `bufs`, in `lens`.
fn buflens<'l>(
    bufs: &[&[u8]],
    lens: &'l mut [u32; PTLRPC_MAX_BUFCOUNT],
) -> Result<&'l [u32], WireError> {
    let too_many = WireError::BadField {
        field: "lustre_msg_v2.lm_bufcount",
        value: bufs.len() as u64 + 1,
    };
    let lens = lens.get_mut(..bufs.len() + 1).ok_or(too_many)?;
    lens[0] = PTLRPC_BODY_SIZE as u32;
    for (len, b) in lens[1..].iter_mut().zip(bufs) {
        *len = u32::try_from(b.len()).map_err(|_| WireError::BadField {
            field: "lustre_msg_v2.lm_buflens",
            value: b.len() as u64,
        })?;
    }
    Ok(lens)
}

/// The size of the message [`pack`] makes of `bufs`.
///
/// # Errors
/// [`WireError::BadField`] for more than 31 buffers or a message over
/// 4 GiB.
pub fn packed_size(bufs: &[&[u8]]) -> Result<usize, WireError> {
    let mut lens = [0; PTLRPC_MAX_BUFCOUNT];
    let lens = buflens(bufs, &mut lens)?;
    msg_size(lens).ok_or(WireError::BadField {
        field: "lustre_msg_v2 size",
        value: u64::MAX,
    })
}

/// Writes the message of `header`, `body` and `bufs` at the start of
/// `out`, padding zeroed; returns its size ([`packed_size`]).
///
/// # Errors
/// As [`packed_size`]; [`WireError::Short`] when `out` is too small.
pub fn pack(
    out: &mut [u8],
    header: &MsgHeader,
    body: &PtlrpcBody,
    bufs: &[&[u8]],
) -> Result<usize, WireError> {
    let mut lens = [0; PTLRPC_MAX_BUFCOUNT];
    let lens = buflens(bufs, &mut lens)?;
    let mut m = LustreMsgMut::new(out, lens, header)?;
    body.encode(m.buffer_mut(0)?)?;
    for (i, b) in bufs.iter().enumerate() {
        m.buffer_mut(i + 1)?.copy_from_slice(b);
    }
    Ok(m.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::ptlrpc::msg::LustreMsg;

    #[test]
    fn packs_body_and_buffers() {
        let body = PtlrpcBody {
            opc: 501,
            ..PtlrpcBody::default()
        };
        let header = MsgHeader {
            repsize: 1024,
            ..MsgHeader::default()
        };
        let bufs: [&[u8]; 2] = [b"abc", &[7; 48]];
        let size = packed_size(&bufs).unwrap();
        let mut out = [0xffu8; 512];
        assert_eq!(pack(&mut out, &header, &body, &bufs), Ok(size));
        let msg = LustreMsg::decode(&out[..size]).unwrap();
        assert_eq!(msg.bufcount(), 3);
        let got = PtlrpcBody::decode(msg.buffer(0).unwrap(), msg.order()).unwrap();
        assert_eq!(got.opc, 501);
        assert_eq!(msg.buffer(1).unwrap(), b"abc");
        assert_eq!(msg.buffer(2).unwrap(), &[7; 48]);
        // Padding after "abc" is zeroed, not what the buffer held.
        let end = size - 48 - 5;
        assert_eq!(&out[end..end + 5], &[0; 5]);
    }

    #[test]
    fn too_many_buffers_or_too_little_room_are_errors() {
        let bufs = [&b""[..]; PTLRPC_MAX_BUFCOUNT];
        assert!(packed_size(&bufs).is_err());
        let mut out = [0u8; 64];
        let b = [&b"x"[..]];
        assert!(pack(&mut out, &MsgHeader::default(), &PtlrpcBody::default(), &b).is_err());
    }
}
