//! The socklnd HELLO (`struct ksock_hello_msg_nid4`, protocol versions 2 and
//! 3, 56 bytes). After the acceptor's request, the connecting side sends its
//! HELLO and the accepting side answers with its own. Each is in its sender's
//! byte order, which the magic shows; that order then holds for the message
//! headers on the connection. A list of `kshm_nips` IPv4 addresses may
//! follow; we send none and skip what a peer sends.

use core::mem::{offset_of, size_of};

use crate::wire::codec::{ByteOrder, Fields, FieldsMut};
use crate::wire::error::WireError;
use crate::wire::lnet::LNET_PROTO_MAGIC;

/// Protocol version 2: one untyped connection may carry everything.
pub const KSOCK_PROTO_V2: u32 = 2;
/// Protocol version 3, what Lustre 2.15/2.16 speak to IPv4 peers: typed
/// connections, keepalive NOOPs.
pub const KSOCK_PROTO_V3: u32 = 3;

/// The most IP addresses a HELLO may list (`LNET_INTERFACES_NUM`).
pub const KSOCK_MAX_NIPS: u32 = 16;

/// The type of a connection, from its sender's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnType {
    /// Carries everything (V1 and V2 only).
    Any,
    /// Small messages.
    Control,
    /// The sender receives bulk on it (and, in V3, zero-copy ACKs).
    BulkIn,
    /// The sender sends bulk on it.
    BulkOut,
    /// In an accepting side's HELLO: retry later.
    None,
}

impl ConnType {
    /// The wire value (`SOCKLND_CONN_*`).
    pub const fn to_wire(self) -> u32 {
        match self {
            ConnType::Any => 0,
            ConnType::Control => 1,
            ConnType::BulkIn => 2,
            ConnType::BulkOut => 3,
            ConnType::None => u32::MAX,
        }
    }

    /// The type with wire value `v`.
    ///
    /// # Errors
    /// [`WireError::BadField`] for an unknown value.
    pub const fn from_wire(v: u32) -> Result<Self, WireError> {
        Ok(match v {
            0 => ConnType::Any,
            1 => ConnType::Control,
            2 => ConnType::BulkIn,
            3 => ConnType::BulkOut,
            u32::MAX => ConnType::None,
            _ => {
                return Err(WireError::BadField {
                    field: "ksock_hello_msg.kshm_ctype",
                    value: v as u64,
                })
            }
        })
    }

    /// The type the other side of the connection sees: bulk in and out swap.
    pub const fn invert(self) -> Self {
        match self {
            ConnType::BulkIn => ConnType::BulkOut,
            ConnType::BulkOut => ConnType::BulkIn,
            other => other,
        }
    }
}

#[allow(dead_code)]
#[repr(C)]
struct RawHello {
    kshm_magic: u32,
    kshm_version: u32,
    kshm_src_nid: u64,
    kshm_dst_nid: u64,
    kshm_src_pid: u32,
    kshm_dst_pid: u32,
    kshm_src_incarnation: u64,
    kshm_dst_incarnation: u64,
    kshm_ctype: u32,
    kshm_nips: u32,
}

/// The size of a V2/V3 HELLO, without its IP list.
pub const HELLO_SIZE: usize = size_of::<RawHello>();

const _: () = {
    assert!(HELLO_SIZE == 56);
    assert!(offset_of!(RawHello, kshm_version) == 4);
    assert!(offset_of!(RawHello, kshm_src_nid) == 8);
    assert!(offset_of!(RawHello, kshm_dst_nid) == 16);
    assert!(offset_of!(RawHello, kshm_src_pid) == 24);
    assert!(offset_of!(RawHello, kshm_dst_pid) == 28);
    assert!(offset_of!(RawHello, kshm_src_incarnation) == 32);
    assert!(offset_of!(RawHello, kshm_dst_incarnation) == 40);
    assert!(offset_of!(RawHello, kshm_ctype) == 48);
    assert!(offset_of!(RawHello, kshm_nips) == 52);
};

/// A socklnd HELLO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello {
    /// [`KSOCK_PROTO_V2`] or [`KSOCK_PROTO_V3`].
    pub version: u32,
    /// The sender's NID (`lnet_nid_t`).
    pub src_nid: u64,
    /// The NID the sender believes the peer has.
    pub dst_nid: u64,
    /// The sender's PID.
    pub src_pid: u32,
    /// The peer's PID, as the sender believes (not checked).
    pub dst_pid: u32,
    /// The sender's incarnation: changes only when its LNet restarts.
    pub src_incarnation: u64,
    /// The peer's incarnation, as the sender believes (not checked).
    pub dst_incarnation: u64,
    /// The connection type.
    pub conn_type: ConnType,
}

/// A decoded HELLO and what it tells about the rest of the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedHello {
    /// The HELLO.
    pub hello: Hello,
    /// The sender's byte order, which its message headers use too.
    pub order: ByteOrder,
    /// The bytes of IP list that follow the HELLO, to be skipped.
    pub ip_bytes: usize,
}

impl Hello {
    /// Decodes a HELLO.
    ///
    /// # Errors
    /// [`WireError::BadMagic`] when this is no V2+ HELLO,
    /// [`WireError::BadVersion`] for a version other than 2 and 3 (answer
    /// with our own HELLO, then close), [`WireError::BadField`] for a bad
    /// connection type or too many IPs, [`WireError::Short`].
    pub fn decode(buf: &[u8]) -> Result<ReceivedHello, WireError> {
        let magic = Fields::new("ksock_hello_msg", buf, 4, ByteOrder::Little)?.u32(0)?;
        let order = ByteOrder::from_magic(magic, LNET_PROTO_MAGIC).ok_or(WireError::BadMagic {
            what: "ksock_hello_msg",
            magic,
        })?;
        let f = Fields::new("ksock_hello_msg", buf, HELLO_SIZE, order)?;
        let version = f.u32(offset_of!(RawHello, kshm_version))?;
        if version != KSOCK_PROTO_V2 && version != KSOCK_PROTO_V3 {
            return Err(WireError::BadVersion {
                what: "ksock_hello_msg",
                version,
            });
        }
        let nips = f.u32(offset_of!(RawHello, kshm_nips))?;
        if nips > KSOCK_MAX_NIPS {
            return Err(WireError::BadField {
                field: "ksock_hello_msg.kshm_nips",
                value: nips.into(),
            });
        }
        let hello = Hello {
            version,
            src_nid: f.u64(offset_of!(RawHello, kshm_src_nid))?,
            dst_nid: f.u64(offset_of!(RawHello, kshm_dst_nid))?,
            src_pid: f.u32(offset_of!(RawHello, kshm_src_pid))?,
            dst_pid: f.u32(offset_of!(RawHello, kshm_dst_pid))?,
            src_incarnation: f.u64(offset_of!(RawHello, kshm_src_incarnation))?,
            dst_incarnation: f.u64(offset_of!(RawHello, kshm_dst_incarnation))?,
            conn_type: ConnType::from_wire(f.u32(offset_of!(RawHello, kshm_ctype))?)?,
        };
        Ok(ReceivedHello {
            hello,
            order,
            // At most 16 addresses of 4 bytes.
            ip_bytes: nips as usize * 4,
        })
    }

    /// Encodes the HELLO (with no IP list) into the first [`HELLO_SIZE`]
    /// bytes of `buf`.
    ///
    /// # Errors
    /// [`WireError::Short`] when `buf` is too small.
    pub fn encode(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let mut f = FieldsMut::new("ksock_hello_msg", buf, HELLO_SIZE)?;
        f.put_u32(offset_of!(RawHello, kshm_magic), LNET_PROTO_MAGIC)?;
        f.put_u32(offset_of!(RawHello, kshm_version), self.version)?;
        f.put_u64(offset_of!(RawHello, kshm_src_nid), self.src_nid)?;
        f.put_u64(offset_of!(RawHello, kshm_dst_nid), self.dst_nid)?;
        f.put_u32(offset_of!(RawHello, kshm_src_pid), self.src_pid)?;
        f.put_u32(offset_of!(RawHello, kshm_dst_pid), self.dst_pid)?;
        f.put_u64(
            offset_of!(RawHello, kshm_src_incarnation),
            self.src_incarnation,
        )?;
        f.put_u64(
            offset_of!(RawHello, kshm_dst_incarnation),
            self.dst_incarnation,
        )?;
        f.put_u32(offset_of!(RawHello, kshm_ctype), self.conn_type.to_wire())?;
        f.put_u32(offset_of!(RawHello, kshm_nips), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Hello {
        Hello {
            version: KSOCK_PROTO_V3,
            src_nid: 0x0002_0000_0a63_0001,
            dst_nid: 0x0002_0000_0a63_0002,
            src_pid: 12345,
            dst_pid: 12345,
            src_incarnation: 0x1122_3344_5566_7788,
            dst_incarnation: 0,
            conn_type: ConnType::Control,
        }
    }

    #[test]
    fn encodes_byte_for_byte() {
        let mut buf = [0u8; HELLO_SIZE];
        hello().encode(&mut buf).unwrap();
        assert_eq!(&buf[0..4], &[0x63, 0x69, 0x72, 0x45]);
        assert_eq!(&buf[4..8], &[3, 0, 0, 0]);
        assert_eq!(&buf[8..16], &[0x01, 0x00, 0x63, 0x0a, 0, 0, 2, 0]);
        assert_eq!(
            &buf[32..40],
            &[0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]
        );
        assert_eq!(&buf[48..56], &[1, 0, 0, 0, 0, 0, 0, 0]);
        let got = Hello::decode(&buf).unwrap();
        assert_eq!(got.hello, hello());
        assert_eq!(got.order, ByteOrder::Little);
        assert_eq!(got.ip_bytes, 0);
    }

    #[test]
    fn decodes_a_big_endian_peer() {
        let h = hello();
        let mut buf = [0u8; HELLO_SIZE];
        buf[0..4].copy_from_slice(&LNET_PROTO_MAGIC.to_be_bytes());
        buf[4..8].copy_from_slice(&2u32.to_be_bytes());
        buf[8..16].copy_from_slice(&h.src_nid.to_be_bytes());
        buf[16..24].copy_from_slice(&h.dst_nid.to_be_bytes());
        buf[24..28].copy_from_slice(&12345u32.to_be_bytes());
        buf[48..52].copy_from_slice(&u32::MAX.to_be_bytes());
        buf[52..56].copy_from_slice(&2u32.to_be_bytes());
        let got = Hello::decode(&buf).unwrap();
        assert_eq!(got.order, ByteOrder::Big);
        assert_eq!(got.hello.version, 2);
        assert_eq!(got.hello.src_nid, h.src_nid);
        assert_eq!(got.hello.conn_type, ConnType::None);
        assert_eq!(got.ip_bytes, 8);
    }

    #[test]
    fn rejects_bad_hellos() {
        let mut buf = [0u8; HELLO_SIZE];
        hello().encode(&mut buf).unwrap();
        assert!(matches!(
            Hello::decode(&buf[..55]),
            Err(WireError::Short { .. })
        ));
        for (off, value, want) in [
            (0, 0xeebc_0dedu32, "magic"),
            (4, 1, "version"),
            (4, 4, "version"),
            (48, 4, "ctype"),
            (52, 17, "nips"),
        ] {
            let mut bad = buf;
            bad[off..off + 4].copy_from_slice(&value.to_le_bytes());
            let err = Hello::decode(&bad).unwrap_err();
            let ok = match want {
                "magic" => matches!(err, WireError::BadMagic { .. }),
                "version" => matches!(err, WireError::BadVersion { .. }),
                _ => matches!(err, WireError::BadField { .. }),
            };
            assert!(ok, "{want}: {err:?}");
        }
    }

    #[test]
    fn inverts_connection_types() {
        assert_eq!(ConnType::BulkIn.invert(), ConnType::BulkOut);
        assert_eq!(ConnType::BulkOut.invert(), ConnType::BulkIn);
        assert_eq!(ConnType::Control.invert(), ConnType::Control);
        for t in [
            ConnType::Any,
            ConnType::Control,
            ConnType::BulkIn,
            ConnType::BulkOut,
            ConnType::None,
        ] {
            assert_eq!(ConnType::from_wire(t.to_wire()), Ok(t));
        }
    }
}
