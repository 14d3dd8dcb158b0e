// SPDX-License-Identifier: GPL-2.0

//! [`Reply`]: a reply as it landed in its reply buffer, checked.

use kernel::alloc::KVVec;
use kernel::prelude::*;

use crate::wire::codec::ByteOrder;
use crate::wire::error::WireError;
use crate::wire::ptlrpc::body::PtlrpcBody;
use crate::wire::ptlrpc::format::Side;
use crate::wire::ptlrpc::msg::LustreMsg;

/// A received reply: the buffer it came in, where in it the message is,
/// and its `ptlrpc_body`.
pub(crate) struct Reply {
    buf: KVVec<u8>,
    start: usize,
    end: usize,
    order: ByteOrder,
    /// The `ptlrpc_body`.
    pub(crate) body: PtlrpcBody,
}

impl Reply {
    /// Checks the message of `len` bytes at `offset` in `buf` (every buffer
    /// within it) and decodes its body.
    pub(super) fn parse(buf: KVVec<u8>, offset: u32, len: u32) -> Result<Self, WireError> {
        let (start, end) = (offset as usize, offset as usize + len as usize);
        let bytes = buf.get(start..end).ok_or(WireError::Short {
            what: "reply buffer",
            need: end,
            have: buf.len(),
        })?;
        let msg = LustreMsg::decode(bytes)?;
        let order = msg.order();
        let body = PtlrpcBody::decode(msg.buffer(0)?, order)?;
        Ok(Reply {
            buf,
            start,
            end,
            order,
            body,
        })
    }

    /// The message, decoded again (which cannot fail differently than when
    /// it was parsed).
    fn msg(&self) -> Result<LustreMsg<'_>, WireError> {
        LustreMsg::decode(&self.buf[self.start..self.end])
    }

    /// Checks the message against its format's reply side.
    pub(super) fn check(&self, side: &Side) -> Result<(), WireError> {
        side.check(&self.msg()?)
    }

    /// The byte order of the target, for decoding the buffers.
    pub(crate) fn order(&self) -> ByteOrder {
        self.order
    }

    /// Buffer `i` (1 is the first after the body). The import checked the
    /// reply against its format, so the buffers the format names are there.
    ///
    /// # Errors
    /// `EPROTO` when the reply has no buffer `i`.
    pub(crate) fn buffer(&self, i: usize) -> Result<&[u8]> {
        self.msg().and_then(|m| m.buffer(i)).map_err(|_| {
            crate::klog::warn_ratelimited(format_args!("reply without buffer {i}"));
            crate::errno::eproto()
        })
    }
}
