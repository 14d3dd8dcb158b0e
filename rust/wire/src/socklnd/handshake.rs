//! The rules of the socklnd handshake, shared by `lnet.ko` and the userspace
//! LNet of our tools, so that both sides of a connection check the same
//! things in the same way.
//!
//! The connecting (active) side sends the acceptor request and its HELLO;
//! the accepting (passive) side answers with [`passive_reply`]; the active
//! side checks that answer with [`check_active_reply`].

use core::fmt;

use super::hello::{ConnType, Hello, KSOCK_PROTO_V3};

/// Who we are on a connection: our NID on the peer's network, our PID and
/// our incarnation (which changes only when our LNet restarts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Local {
    /// Our NID (`lnet_nid_t`).
    pub nid: u64,
    /// Our PID.
    pub pid: u32,
    /// Our incarnation.
    pub incarnation: u64,
}

/// Why a handshake failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeError {
    /// The peer is not the one we connected to: it claims `nid` and `pid`.
    WrongPeer {
        /// The NID the peer claims.
        nid: u64,
        /// The PID the peer claims.
        pid: u32,
    },
    /// The peer answered with another protocol version: reconnect with it.
    Version(u32),
    /// The peer refused the connection for now (a connection race it won):
    /// retry later.
    Retry,
    /// The peer's connection type does not fit ours.
    ConnType(ConnType),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HandshakeError::WrongPeer { nid, pid } => {
                write!(f, "peer claims to be {nid:#x}-{pid}")
            }
            HandshakeError::Version(v) => write!(f, "peer speaks protocol version {v}"),
            HandshakeError::Retry => f.write_str("peer asks to retry later"),
            HandshakeError::ConnType(t) => write!(f, "unexpected connection type {t:?}"),
        }
    }
}

/// The HELLO that an active side sends to reach `peer_nid` on a connection
/// of type `conn_type`, in protocol version 3.
pub fn active_hello(local: &Local, peer_nid: u64, conn_type: ConnType, version: u32) -> Hello {
    Hello {
        version,
        src_nid: local.nid,
        dst_nid: peer_nid,
        src_pid: local.pid,
        dst_pid: crate::wire::lnet::LNET_PID_LUSTRE,
        src_incarnation: local.incarnation,
        dst_incarnation: 0,
        conn_type,
    }
}

/// The HELLO that `local` answers `hello` with, in `version`, with
/// `conn_type`.
fn answer(local: &Local, hello: &Hello, version: u32, conn_type: ConnType) -> Hello {
    Hello {
        version,
        src_nid: local.nid,
        dst_nid: hello.src_nid,
        src_pid: local.pid,
        dst_pid: hello.src_pid,
        src_incarnation: local.incarnation,
        dst_incarnation: hello.src_incarnation,
        conn_type,
    }
}

/// Checks the HELLO of an active peer and returns our answer, which
/// carries the peer's version and the inverted connection type.
///
/// # Errors
/// [`HandshakeError::ConnType`] when the peer sent type NONE, or an untyped
/// (ANY) connection in version 3, on which Lustre never transmits.
pub fn passive_reply(local: &Local, hello: &Hello) -> Result<Hello, HandshakeError> {
    let conn_type = match hello.conn_type {
        ConnType::None => return Err(HandshakeError::ConnType(ConnType::None)),
        ConnType::Any if hello.version == KSOCK_PROTO_V3 => {
            return Err(HandshakeError::ConnType(ConnType::Any))
        }
        t => t.invert(),
    };
    Ok(answer(local, hello, hello.version, conn_type))
}

/// Checks the passive side's answer to the HELLO `sent`, which was sent to
/// reach `peer_nid` with PID `peer_pid`.
///
/// # Errors
/// [`HandshakeError`] saying why the connection cannot be used.
pub fn check_active_reply(
    sent: &Hello,
    peer_pid: u32,
    reply: &Hello,
) -> Result<(), HandshakeError> {
    if reply.version != sent.version {
        return Err(HandshakeError::Version(reply.version));
    }
    if reply.conn_type == ConnType::None {
        return Err(HandshakeError::Retry);
    }
    if reply.src_nid != sent.dst_nid || reply.src_pid != peer_pid {
        return Err(HandshakeError::WrongPeer {
            nid: reply.src_nid,
            pid: reply.src_pid,
        });
    }
    if reply.conn_type.invert() != sent.conn_type {
        return Err(HandshakeError::ConnType(reply.conn_type));
    }
    Ok(())
}

/// The answer of a passive side that speaks protocol versions up to
/// `version` to a HELLO in a later one: its own HELLO in `version`, after
/// which it closes, and the active side connects again in that version
/// (`None` when the HELLO's version is one it speaks).
pub fn downgrade_reply(local: &Local, hello: &Hello, version: u32) -> Option<Hello> {
    (hello.version > version).then(|| answer(local, hello, version, hello.conn_type.invert()))
}

/// The connection race rule: a node that accepts a connection from `peer`
/// while it is itself connecting to `peer` refuses it (answers with
/// connection type NONE, "retry") when the peer's NID is the lower, so
/// that the higher NID's connections win. NIDs compare as Lustre compares
/// `struct lnet_nid` byte by byte: LND type, network number, address, which
/// is the order of their 64-bit encodings.
pub const fn passive_loses_race(local: u64, peer: u64) -> bool {
    peer < local
}

/// The reply of a passive side that refuses a connection it lost a race
/// for: its HELLO with connection type NONE.
pub fn race_reply(local: &Local, hello: &Hello) -> Hello {
    answer(local, hello, hello.version, ConnType::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_peer_answers_in_its_version() {
        use crate::wire::socklnd::hello::KSOCK_PROTO_V2;
        let hello = active_hello(&CLIENT, SERVER.nid, ConnType::BulkIn, KSOCK_PROTO_V3);
        let reply = downgrade_reply(&SERVER, &hello, KSOCK_PROTO_V2).unwrap();
        assert_eq!(
            check_active_reply(&hello, 12345, &reply),
            Err(HandshakeError::Version(KSOCK_PROTO_V2))
        );
        assert_eq!(downgrade_reply(&SERVER, &hello, KSOCK_PROTO_V3), None);
        // Again in V2: the peer takes it.
        let hello = active_hello(&CLIENT, SERVER.nid, ConnType::BulkIn, KSOCK_PROTO_V2);
        let reply = passive_reply(&SERVER, &hello).unwrap();
        assert_eq!(check_active_reply(&hello, 12345, &reply), Ok(()));
    }

    #[test]
    fn the_higher_nid_wins_a_race() {
        // 10.99.0.1@tcp and 10.99.0.2@tcp; another network is higher.
        let (a, b, c) = (
            0x0002_0000_0a63_0001,
            0x0002_0000_0a63_0002,
            0x0002_0001_0a63_0001,
        );
        assert!(passive_loses_race(b, a), "b refuses a");
        assert!(!passive_loses_race(a, b), "a takes b");
        assert!(passive_loses_race(c, b));
        let hello = active_hello(&CLIENT, b, ConnType::Control, KSOCK_PROTO_V3);
        let reply = race_reply(&SERVER, &hello);
        assert_eq!(
            check_active_reply(&hello, 12345, &reply),
            Err(HandshakeError::Retry)
        );
    }

    const CLIENT: Local = Local {
        nid: 0x0002_0000_0a63_0001,
        pid: 12345,
        incarnation: 7,
    };
    const SERVER: Local = Local {
        nid: 0x0002_0000_0a63_0002,
        pid: 12345,
        incarnation: 9,
    };

    #[test]
    fn both_sides_agree_on_every_typed_connection() {
        for t in [ConnType::Control, ConnType::BulkIn, ConnType::BulkOut] {
            let hello = active_hello(&CLIENT, SERVER.nid, t, KSOCK_PROTO_V3);
            let reply = passive_reply(&SERVER, &hello).unwrap();
            assert_eq!(reply.dst_nid, CLIENT.nid);
            assert_eq!(reply.dst_incarnation, 7);
            assert_eq!(check_active_reply(&hello, 12345, &reply), Ok(()));
        }
    }

    #[test]
    fn refuses_what_lustre_refuses() {
        let mut any = active_hello(&CLIENT, SERVER.nid, ConnType::Any, KSOCK_PROTO_V3);
        assert!(passive_reply(&SERVER, &any).is_err());
        any.version = crate::wire::socklnd::hello::KSOCK_PROTO_V2;
        assert_eq!(
            passive_reply(&SERVER, &any).map(|r| r.conn_type),
            Ok(ConnType::Any)
        );

        let hello = active_hello(&CLIENT, SERVER.nid, ConnType::BulkIn, KSOCK_PROTO_V3);
        let good = passive_reply(&SERVER, &hello).unwrap();
        let other = passive_reply(&CLIENT, &hello).unwrap();
        assert_eq!(
            check_active_reply(&hello, 12345, &other),
            Err(HandshakeError::WrongPeer {
                nid: CLIENT.nid,
                pid: 12345
            })
        );
        let retry = Hello {
            conn_type: ConnType::None,
            ..good
        };
        assert_eq!(
            check_active_reply(&hello, 12345, &retry),
            Err(HandshakeError::Retry)
        );
        let v2 = Hello { version: 2, ..good };
        assert_eq!(
            check_active_reply(&hello, 12345, &v2),
            Err(HandshakeError::Version(2))
        );
        let same_type = Hello {
            conn_type: ConnType::BulkIn,
            ..good
        };
        assert!(check_active_reply(&hello, 12345, &same_type).is_err());
    }
}
