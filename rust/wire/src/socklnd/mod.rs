//! socklnd, LNet's TCP transport: the HELLO handshake that opens each
//! connection, and the framing of messages on it (protocol versions 2 and 3).

/// The checks of the handshake, the same on both sides.
pub mod handshake;
/// The HELLO that each side of a new connection sends.
pub mod hello;
/// The header in front of every message after the HELLO.
pub mod msg;
