//! The ptlrpc message container (`struct lustre_msg_v2`): a 32-byte header,
//! a table of `lm_bufcount` buffer lengths, then the buffers, each starting
//! on an 8-byte boundary and padded to a multiple of 8 bytes. The header is
//! in the sender's byte order, shown by `lm_magic`; so is every structure in
//! the buffers.

use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;

/// The magic of a `lustre_msg_v2` (`LUSTRE_MSG_MAGIC_V2`).
pub const LUSTRE_MSG_MAGIC_V2: u32 = 0x0bd0_0bd3;

/// The most buffers a message may have (`PTLRPC_MAX_BUFCOUNT`).
pub const PTLRPC_MAX_BUFCOUNT: usize = 32;

/// `lm_flags`: the sender does adaptive timeouts (`MSGHDR_AT_SUPPORT`).
pub const MSGHDR_AT_SUPPORT: u32 = 0x1;
/// `lm_flags`: the early reply checksum covers only buffer 0
/// (`MSGHDR_CKSUM_INCOMPAT18`).
pub const MSGHDR_CKSUM_INCOMPAT18: u32 = 0x2;

/// The bits of `lm_secflvr` where a null-flavor sender says what it is.
const SECFLVR_PART_MASK: u32 = 0xff00_0000;

#[allow(dead_code)]
#[repr(C)]
struct RawMsg {
    lm_bufcount: u32,
    lm_secflvr: u32,
    lm_magic: u32,
    lm_repsize: u32,
    lm_cksum: u32,
    lm_flags: u32,
    lm_opc: u32,
    lm_padding_3: u32,
}

const HDR: usize = size_of::<RawMsg>();

const _: () = {
    assert!(HDR == 32);
    assert!(offset_of!(RawMsg, lm_secflvr) == 4);
    assert!(offset_of!(RawMsg, lm_magic) == 8);
    assert!(offset_of!(RawMsg, lm_repsize) == 12);
    assert!(offset_of!(RawMsg, lm_cksum) == 16);
    assert!(offset_of!(RawMsg, lm_flags) == 20);
    assert!(offset_of!(RawMsg, lm_opc) == 24);
    assert!(offset_of!(RawMsg, lm_padding_3) == 28);
};

const fn round8(n: usize) -> usize {
    (n + 7) & !7
}

/// The size of the header with `bufcount` lengths, rounded up to 8.
const fn header_size(bufcount: usize) -> usize {
    round8(HDR + 4 * bufcount)
}

/// The size of a message with buffers of `buflens` bytes, or `None` when it
/// does not fit in a `u32` (or there are too many buffers).
pub fn msg_size(buflens: &[u32]) -> Option<usize> {
    if buflens.is_empty() || buflens.len() > PTLRPC_MAX_BUFCOUNT {
        return None;
    }
    let mut size = header_size(buflens.len());
    for &len in buflens {
        size = size.checked_add(round8(usize::try_from(len).ok()?))?;
    }
    u32::try_from(size).ok()?;
    Some(size)
}

/// The header fields of a message, other than the magic and the buffers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsgHeader {
    /// The security flavor (`lm_secflvr`); 0 (null) with the sender's part in
    /// the top byte.
    pub secflvr: u32,
    /// In a request: the reply size the sender expects (`lm_repsize`).
    pub repsize: u32,
    /// In an early reply: the checksum of buffer 0 (`lm_cksum`).
    pub cksum: u32,
    /// `MSGHDR_*` flags.
    pub flags: u32,
    /// The opcode of a sub-request in a batch; 0 otherwise.
    pub opc: u32,
}

/// A received message, checked: every buffer lies within it.
#[derive(Clone, Copy, Debug)]
pub struct LustreMsg<'a> {
    fields: Fields<'a>,
    buf: &'a [u8],
    bufcount: usize,
    header: MsgHeader,
}

impl<'a> LustreMsg<'a> {
    /// Decodes and checks the message in `buf`: the magic (in either byte
    /// order), 1 to 32 buffers, and every buffer within `buf`.
    ///
    /// # Errors
    /// [`WireError`] saying which check failed.
    pub fn decode(buf: &'a [u8]) -> Result<Self, WireError> {
        let le = Fields::new("lustre_msg_v2", buf, HDR, ByteOrder::Little)?;
        let magic = le.u32(offset_of!(RawMsg, lm_magic))?;
        let order =
            ByteOrder::from_magic(magic, LUSTRE_MSG_MAGIC_V2).ok_or(WireError::BadMagic {
                what: "lustre_msg_v2",
                magic,
            })?;
        let f = Fields::new("lustre_msg_v2", buf, HDR, order)?;
        let count = f.u32(offset_of!(RawMsg, lm_bufcount))?;
        let bufcount = usize::try_from(count).unwrap_or(usize::MAX);
        if bufcount == 0 || bufcount > PTLRPC_MAX_BUFCOUNT {
            return Err(WireError::BadField {
                field: "lustre_msg_v2.lm_bufcount",
                value: count.into(),
            });
        }
        let fields = Fields::new("lustre_msg_v2", buf, HDR + 4 * bufcount, order)?;
        let header = MsgHeader {
            secflvr: f.u32(offset_of!(RawMsg, lm_secflvr))?,
            repsize: f.u32(offset_of!(RawMsg, lm_repsize))?,
            cksum: f.u32(offset_of!(RawMsg, lm_cksum))?,
            flags: f.u32(offset_of!(RawMsg, lm_flags))?,
            opc: f.u32(offset_of!(RawMsg, lm_opc))?,
        };
        if header.secflvr & !SECFLVR_PART_MASK != 0 {
            return Err(WireError::BadField {
                field: "lustre_msg_v2.lm_secflvr",
                value: header.secflvr.into(),
            });
        }
        let msg = LustreMsg {
            fields,
            buf,
            bufcount,
            header,
        };
        // Checks that the last buffer, and so every buffer, is within `buf`.
        msg.buffer(bufcount - 1)?;
        Ok(msg)
    }

    /// The byte order of the message and of the structures in its buffers.
    pub fn order(&self) -> ByteOrder {
        self.fields.order()
    }

    /// The header fields.
    pub fn header(&self) -> MsgHeader {
        self.header
    }

    /// The number of buffers.
    pub fn bufcount(&self) -> usize {
        self.bufcount
    }

    /// Buffer `i`, without its padding.
    ///
    /// # Errors
    /// [`WireError::BadField`] when there is no buffer `i`,
    /// [`WireError::Short`] when it does not lie within the message.
    pub fn buffer(&self, i: usize) -> Result<&'a [u8], WireError> {
        if i >= self.bufcount {
            return Err(WireError::BadField {
                field: "lustre_msg_v2.buffer",
                value: i as u64,
            });
        }
        let mut off = header_size(self.bufcount);
        let mut len = 0;
        for j in 0..=i {
            off = off.checked_add(round8(len)).ok_or(self.too_long())?;
            len = usize::try_from(self.fields.u32(HDR + 4 * j)?).map_err(|_| self.too_long())?;
        }
        off.checked_add(len)
            .and_then(|end| self.buf.get(off..end))
            .ok_or(WireError::Short {
                what: "lustre_msg_v2",
                need: off.saturating_add(len),
                have: self.buf.len(),
            })
    }

    fn too_long(&self) -> WireError {
        WireError::Short {
            what: "lustre_msg_v2",
            need: usize::MAX,
            have: self.buf.len(),
        }
    }
}

/// A message being built in a buffer, with the buffer lengths fixed.
#[derive(Debug)]
pub struct LustreMsgMut<'a> {
    buf: &'a mut [u8],
    buflens: &'a [u32],
    size: usize,
}

impl<'a> LustreMsgMut<'a> {
    /// Writes the header of a message with buffers of `buflens` bytes into
    /// `buf` and zeroes the rest of the message, padding included.
    ///
    /// # Errors
    /// [`WireError::BadField`] for no buffers, more than 32, or a message
    /// over 4 GiB; [`WireError::Short`] when it does not fit in `buf`.
    pub fn new(
        buf: &'a mut [u8],
        buflens: &'a [u32],
        header: &MsgHeader,
    ) -> Result<Self, WireError> {
        let size = msg_size(buflens).ok_or(WireError::BadField {
            field: "lustre_msg_v2.lm_bufcount",
            value: buflens.len() as u64,
        })?;
        let mut f = FieldsMut::new("lustre_msg_v2", buf, size)?;
        // msg_size() checked the count.
        f.put_u32(offset_of!(RawMsg, lm_bufcount), buflens.len() as u32)?;
        f.put_u32(offset_of!(RawMsg, lm_secflvr), header.secflvr)?;
        f.put_u32(offset_of!(RawMsg, lm_magic), LUSTRE_MSG_MAGIC_V2)?;
        f.put_u32(offset_of!(RawMsg, lm_repsize), header.repsize)?;
        f.put_u32(offset_of!(RawMsg, lm_cksum), header.cksum)?;
        f.put_u32(offset_of!(RawMsg, lm_flags), header.flags)?;
        f.put_u32(offset_of!(RawMsg, lm_opc), header.opc)?;
        for (i, &len) in buflens.iter().enumerate() {
            f.put_u32(HDR + 4 * i, len)?;
        }
        Ok(LustreMsgMut { buf, buflens, size })
    }

    /// The size of the whole message.
    pub fn len(&self) -> usize {
        self.size
    }

    /// Whether the message is empty; never, as it has at least one buffer.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Buffer `i`, to fill in.
    ///
    /// # Errors
    /// [`WireError::BadField`] when there is no buffer `i`.
    pub fn buffer_mut(&mut self, i: usize) -> Result<&mut [u8], WireError> {
        let len = *self.buflens.get(i).ok_or(WireError::BadField {
            field: "lustre_msg_v2.buffer",
            value: i as u64,
        })?;
        let off = header_size(self.buflens.len())
            + self.buflens[..i]
                .iter()
                .map(|&l| round8(l as usize))
                .sum::<usize>();
        let have = self.buf.len();
        self.buf
            .get_mut(off..off + len as usize)
            .ok_or(WireError::Short {
                what: "lustre_msg_v2",
                need: off + len as usize,
                have,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_buffers_on_8_byte_boundaries() {
        let lens = [184, 5, 0, 16];
        assert_eq!(msg_size(&lens), Some(48 + 184 + 8 + 16));
        let mut buf = [0xaau8; 256];
        let hdr = MsgHeader {
            secflvr: 0x0300_0000,
            repsize: 1024,
            flags: MSGHDR_AT_SUPPORT,
            ..MsgHeader::default()
        };
        let mut m = LustreMsgMut::new(&mut buf, &lens, &hdr).unwrap();
        assert_eq!(m.len(), 256);
        m.buffer_mut(1).unwrap().copy_from_slice(b"hello");
        m.buffer_mut(3).unwrap().fill(7);
        assert!(m.buffer_mut(4).is_err());
        assert_eq!(&buf[0..4], &[4, 0, 0, 0]);
        assert_eq!(&buf[8..12], &[0xd3, 0x0b, 0xd0, 0x0b]);
        assert_eq!(
            &buf[32..48],
            &[184, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0]
        );
        assert_eq!(&buf[232..240], b"hello\0\0\0");

        let msg = LustreMsg::decode(&buf).unwrap();
        assert_eq!(msg.bufcount(), 4);
        assert_eq!(msg.header(), hdr);
        assert_eq!(msg.buffer(0).unwrap().len(), 184);
        assert_eq!(msg.buffer(1).unwrap(), b"hello");
        assert_eq!(msg.buffer(2).unwrap(), b"");
        assert_eq!(msg.buffer(3).unwrap(), &[7; 16]);
        assert!(msg.buffer(4).is_err());
    }

    #[test]
    fn decodes_a_big_endian_message() {
        let mut buf = [0u8; 48];
        buf[0..4].copy_from_slice(&1u32.to_be_bytes());
        buf[8..12].copy_from_slice(&LUSTRE_MSG_MAGIC_V2.to_be_bytes());
        buf[32..36].copy_from_slice(&8u32.to_be_bytes());
        let msg = LustreMsg::decode(&buf).unwrap();
        assert_eq!(msg.order(), ByteOrder::Big);
        assert_eq!(msg.buffer(0).unwrap().len(), 8);
    }

    #[test]
    fn rejects_bad_messages() {
        let lens = [184, 16];
        let mut buf = [0u8; 256];
        let n = LustreMsgMut::new(&mut buf, &lens, &MsgHeader::default())
            .unwrap()
            .len();
        assert!(LustreMsg::decode(&buf[..n]).is_ok());
        assert!(matches!(
            LustreMsg::decode(&buf[..n - 1]),
            Err(WireError::Short { .. })
        ));
        for (off, value) in [
            (0, 0u32),
            (0, 33),
            (0, u32::MAX),
            (8, 0x0bd0_0bd4),
            (4, 1),
            (36, u32::MAX),
            (32, 0x8000_0000),
        ] {
            let mut bad = buf;
            bad[off..off + 4].copy_from_slice(&value.to_le_bytes());
            assert!(LustreMsg::decode(&bad[..n]).is_err(), "{off}: {value:#x}");
        }
        assert!(LustreMsgMut::new(&mut [0u8; 8], &lens, &MsgHeader::default()).is_err());
        assert!(LustreMsgMut::new(&mut buf, &[], &MsgHeader::default()).is_err());
        assert_eq!(msg_size(&[u32::MAX; 2]), None);
    }
}
