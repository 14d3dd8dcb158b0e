//! Services on portals: what a node does with the PUTs and GETs that peers
//! send to a portal ([`Portal`]), and the echo service ([`EchoPortal`]).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Mutex;

/// A process on an LNet network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProcessId {
    /// Its NID (`lnet_nid_t`).
    pub nid: u64,
    /// Its PID.
    pub pid: u32,
}

/// A PUT that a peer sent to a portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingPut {
    /// Who sent it.
    pub src: ProcessId,
    /// Its match bits.
    pub match_bits: u64,
    /// Its header data.
    pub hdr_data: u64,
    /// Where in the receiving buffer the sender put it.
    pub offset: u32,
    /// The data.
    pub payload: Vec<u8>,
}

/// A service on a portal. Its methods run on the receiving thread of the
/// connection the message came on, and should not block long.
pub trait Portal: Any + Send + Sync {
    /// A PUT: the bytes taken (for the ACK), or `None` to drop it, as LNet
    /// drops a PUT that no buffer matches.
    fn put(&self, put: IncomingPut) -> Option<u32>;

    /// A GET from `src` of `length` bytes at `offset`: the data to reply
    /// with, or `None` to drop it.
    fn get(&self, src: ProcessId, match_bits: u64, offset: u32, length: u32) -> Option<Vec<u8>>;
}

/// Rustre's echo service (on `RUSTRE_ECHO_PORTAL`): a PUT is kept by its
/// initiator's NID and match bits; a GET with the same match bits gets it
/// back, once. At most `limit` bytes are kept; PUTs beyond are dropped.
pub struct EchoPortal {
    kept: Mutex<Kept>,
    limit: usize,
}

/// The data an [`EchoPortal`] keeps.
#[derive(Default)]
struct Kept {
    /// By initiator NID and match bits.
    data: HashMap<(u64, u64), Vec<u8>>,
    /// Their total size.
    bytes: usize,
}

impl EchoPortal {
    /// An echo service that keeps at most `limit` bytes.
    pub fn new(limit: usize) -> Self {
        EchoPortal {
            kept: Mutex::new(Kept::default()),
            limit,
        }
    }
}

impl Portal for EchoPortal {
    fn put(&self, put: IncomingPut) -> Option<u32> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let len = put.payload.len();
        if kept.bytes + len > self.limit {
            return None;
        }
        kept.bytes += len;
        if let Some(old) = kept.data.insert((put.src.nid, put.match_bits), put.payload) {
            kept.bytes -= old.len();
        }
        u32::try_from(len).ok()
    }

    fn get(&self, src: ProcessId, match_bits: u64, offset: u32, length: u32) -> Option<Vec<u8>> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let data = kept.data.remove(&(src.nid, match_bits))?;
        kept.bytes -= data.len();
        Some(wire::lnet::get_slice(&data, offset, length).to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(src: ProcessId, match_bits: u64, payload: &[u8]) -> IncomingPut {
        IncomingPut {
            src,
            match_bits,
            hdr_data: 0,
            offset: 0,
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn echoes_once_and_keeps_its_limit() {
        let echo = EchoPortal::new(10);
        let a = ProcessId { nid: 1, pid: 12345 };
        let b = ProcessId { nid: 2, pid: 12345 };
        assert_eq!(echo.put(put(a, 7, b"hello")), Some(5));
        assert_eq!(echo.get(b, 7, 0, 100), None, "another peer's data");
        assert_eq!(echo.get(a, 7, 1, 3), Some(b"ell".to_vec()));
        assert_eq!(echo.get(a, 7, 0, 100), None, "given back once");
        assert_eq!(echo.put(put(a, 1, &[0; 8])), Some(8));
        assert_eq!(echo.put(put(a, 2, &[0; 3])), None, "over the limit");
    }
}
