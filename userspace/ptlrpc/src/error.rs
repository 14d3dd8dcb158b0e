//! The error type of RPCs.

use std::fmt;

use rustre_lnet::wire::error::WireError;

/// Why an RPC failed.
#[derive(Debug)]
pub enum Error {
    /// LNet could not send the request.
    Lnet(rustre_lnet::Error),
    /// No reply in time.
    Timeout,
    /// The target answered with an error: a negative errno (x86 numbers,
    /// as on the wire).
    Status(i32),
    /// The reply was malformed (the text says how).
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Lnet(e) => write!(f, "{e}"),
            Error::Timeout => f.write_str("no reply in time"),
            Error::Status(s) => write!(f, "error {s} from the target"),
            Error::Protocol(s) => write!(f, "malformed reply: {s}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rustre_lnet::Error> for Error {
    fn from(e: rustre_lnet::Error) -> Self {
        Error::Lnet(e)
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Self {
        Error::Protocol(e.to_string())
    }
}
