//! The error type of the userspace LNet.

use std::{fmt, io};

use wire::error::WireError;
use wire::socklnd::handshake::HandshakeError;

/// Why an LNet operation failed.
#[derive(Debug)]
pub enum Error {
    /// A socket error.
    Io(io::Error),
    /// The peer sent bytes that do not decode.
    Wire(WireError),
    /// The peer's handshake does not fit ours.
    Handshake(HandshakeError),
    /// The peer broke a protocol rule (the text says which).
    Protocol(String),
    /// No answer in time.
    Timeout,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::Wire(e) => write!(f, "malformed message: {e}"),
            Error::Handshake(e) => write!(f, "handshake failed: {e}"),
            Error::Protocol(s) => write!(f, "protocol error: {s}"),
            Error::Timeout => f.write_str("timed out"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Self {
        Error::Wire(e)
    }
}

impl From<HandshakeError> for Error {
    fn from(e: HandshakeError) -> Self {
        Error::Handshake(e)
    }
}
