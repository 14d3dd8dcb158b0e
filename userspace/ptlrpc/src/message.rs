//! ptlrpc messages as owned bytes: [`Message`] (received, checked) and
//! [`pack`] (built).

use rustre_lnet::wire::codec::ByteOrder;
use rustre_lnet::wire::error::WireError;
use rustre_lnet::wire::ptlrpc::body::PtlrpcBody;
use rustre_lnet::wire::ptlrpc::msg::{LustreMsg, MsgHeader};
use rustre_lnet::wire::ptlrpc::pack::{pack as wire_pack, packed_size};

/// Builds a message: `body` as buffer 0, then `bufs`.
///
/// # Panics
/// With more than 31 buffers or over 4 GiB, which no format has.
pub fn pack(header: &MsgHeader, body: &PtlrpcBody, bufs: &[&[u8]]) -> Vec<u8> {
    let size = packed_size(bufs).expect("a format's buffer count and size");
    let mut out = vec![0u8; size];
    wire_pack(&mut out, header, body, bufs).expect("sized above");
    out
}

/// A received message: its bytes, checked, and its body.
#[derive(Clone, Debug)]
pub struct Message {
    bytes: Vec<u8>,
    header: MsgHeader,
    order: ByteOrder,
    /// The `ptlrpc_body`.
    pub body: PtlrpcBody,
}

impl Message {
    /// Checks `bytes` (every buffer within the message) and decodes the
    /// body.
    ///
    /// # Errors
    /// What the wire crate finds wrong.
    pub fn parse(bytes: Vec<u8>) -> Result<Message, WireError> {
        let msg = LustreMsg::decode(&bytes)?;
        let (header, order) = (msg.header(), msg.order());
        let body = PtlrpcBody::decode(msg.buffer(0)?, order)?;
        Ok(Message {
            bytes,
            header,
            order,
            body,
        })
    }

    /// The message as the wire crate sees it.
    pub fn msg(&self) -> LustreMsg<'_> {
        LustreMsg::decode(&self.bytes).expect("checked when parsed")
    }

    /// The header fields.
    pub fn header(&self) -> &MsgHeader {
        &self.header
    }

    /// The sender's byte order.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    /// Buffer `i`, or `None` when the message has fewer buffers.
    pub fn buffer(&self, i: usize) -> Option<&[u8]> {
        let msg = LustreMsg::decode(&self.bytes).ok()?;
        msg.buffer(i).ok()
    }
}
