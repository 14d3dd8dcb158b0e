//! LNet: the message layer under ptlrpc. Messages (PUT, GET and their ACK
//! and REPLY) go from a process to a process, each named by a NID and a PID,
//! and land in buffers selected by a portal and match bits.

/// The acceptor's connection request, the first bytes on a new TCP
/// connection.
pub mod acceptor;
/// The control interface of `lnet.ko` (`/dev/lnet` ioctls).
pub mod ctl;
/// The LNet message header, `lnet_hdr`.
pub mod hdr;
/// The `networks` setting: which networks, through which interfaces.
pub mod networks;
/// The LNet ping reply, `lnet_ping_info`.
pub mod ping;

/// What a GET of `data` returns: `sink_length` bytes from `src_offset`, cut
/// to what there is.
pub fn get_slice(data: &[u8], src_offset: u32, sink_length: u32) -> &[u8] {
    let start = (src_offset as usize).min(data.len());
    let end = start.saturating_add(sink_length as usize).min(data.len());
    data.get(start..end).unwrap_or(&[])
}

/// The PID of every kernel Lustre process (`LNET_PID_LUSTRE`).
pub const LNET_PID_LUSTRE: u32 = 12345;

/// Marks the PID of a userspace peer (`LNET_PID_USERFLAG`).
pub const LNET_PID_USERFLAG: u32 = 0x8000_0000;

/// Any PID (`LNET_PID_ANY`).
pub const LNET_PID_ANY: u32 = 0xffff_ffff;

/// Any NID (`LNET_NID_ANY`).
pub const LNET_NID_ANY: u64 = u64::MAX;

/// The largest payload of one LNet message (`LNET_MTU`).
pub const LNET_MTU: u32 = 1 << 20;

/// The magic of the socklnd HELLO, also recognised by the acceptor
/// (`LNET_PROTO_MAGIC`, "Eric").
pub const LNET_PROTO_MAGIC: u32 = 0x4572_6963;

/// The portal reserved for LNet itself: pings and discovery pushes
/// (`LNET_RESERVED_PORTAL`).
pub const LNET_RESERVED_PORTAL: u32 = 0;

/// The match bits of a ping GET and a discovery PUT
/// (`LNET_PROTO_PING_MATCHBITS`).
pub const LNET_PROTO_PING_MATCHBITS: u64 = 0x8000_0000_0000_0000;

/// The portal of Rustre's LNet echo service, which `rustre-server` runs for
/// tests (`test_lnet.ko`): a PUT is kept by its initiator's NID and match
/// bits, and a GET with the same match bits gets that data back, once. Not
/// a Lustre portal (Lustre's own use 1 to 31, its selftest 50 to 52).
pub const RUSTRE_ECHO_PORTAL: u32 = 60;
