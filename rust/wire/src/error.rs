//! The one error type of the wire crate: what is wrong with bytes from a
//! peer, or with a buffer given to an encoder.

use core::fmt;

/// Why bytes could not be decoded (or a message encoded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The buffer ends before the structure does.
    Short {
        /// What was being decoded or encoded.
        what: &'static str,
        /// The bytes it needs.
        need: usize,
        /// The bytes there are.
        have: usize,
    },
    /// A magic number that is not the structure's, in either byte order.
    BadMagic {
        /// What was being decoded.
        what: &'static str,
        /// The magic found, as read little-endian.
        magic: u32,
    },
    /// A protocol version we do not speak.
    BadVersion {
        /// What was being decoded.
        what: &'static str,
        /// The version found.
        version: u32,
    },
    /// A field whose value is out of range or inconsistent.
    BadField {
        /// The field, as `structure.field`.
        field: &'static str,
        /// The value found.
        value: u64,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WireError::Short { what, need, have } => {
                write!(f, "{what}: {have} bytes, need {need}")
            }
            WireError::BadMagic { what, magic } => write!(f, "{what}: bad magic {magic:#010x}"),
            WireError::BadVersion { what, version } => {
                write!(f, "{what}: unsupported version {version}")
            }
            WireError::BadField { field, value } => write!(f, "{field}: bad value {value:#x}"),
        }
    }
}
