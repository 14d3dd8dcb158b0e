// SPDX-License-Identifier: GPL-2.0

//! An owned kernel TCP socket over IPv4.

use core::ptr::NonNull;

use kernel::error::to_result;
use kernel::prelude::*;

use crate::compat::bindings as c;
use crate::frag::Frag;

/// A kernel TCP socket, released when dropped.
///
/// Sending, receiving and shutting down may happen at the same time from
/// different threads, as on any socket: the kernel's socket locks serialise
/// them. A receive blocked in one thread ends with an error when another
/// thread shuts the socket down.
pub struct Socket {
    raw: NonNull<c::socket>,
}

// SAFETY: a kernel socket may be used from any thread; its operations take
// the socket's own locks.
unsafe impl Send for Socket {}
// SAFETY: every method takes `&self` and is one socket call, which the
// kernel allows concurrently with the others.
unsafe impl Sync for Socket {}

/// Turns the out-parameter of a shim call into a `Socket`.
fn owned(rc: i32, raw: *mut c::socket) -> Result<Socket> {
    to_result(rc)?;
    NonNull::new(raw).map(|raw| Socket { raw }).ok_or(EINVAL)
}

impl Socket {
    /// A socket listening on `ip:port` (host order; IP 0 for any address).
    ///
    /// # Errors
    /// The errno of creating, binding or listening (`EADDRINUSE`...).
    pub fn listen(ip: u32, port: u16, backlog: i32) -> Result<Socket> {
        let mut raw = core::ptr::null_mut();
        // SAFETY: `raw` is a valid out-parameter.
        let rc = unsafe { c::rustre_sock_listen(&mut raw, ip, port, backlog) };
        owned(rc, raw)
    }

    /// Waits for and accepts the next connection on this listening socket.
    ///
    /// # Errors
    /// The errno of `accept`; `EINVAL` once the socket was shut down.
    pub fn accept(&self) -> Result<Socket> {
        let mut raw = core::ptr::null_mut();
        // SAFETY: `self.raw` is a live socket; `raw` a valid out-parameter.
        let rc = unsafe { c::rustre_sock_accept(self.raw.as_ptr(), &mut raw) };
        owned(rc, raw)
    }

    /// Connects to `ip:port` from `local_port` (0: any), waiting at most
    /// `timeout_ms`.
    ///
    /// # Errors
    /// The errno of binding (`EADDRINUSE`, `EACCES`) or connecting.
    pub fn connect(local_port: u16, ip: u32, port: u16, timeout_ms: u32) -> Result<Socket> {
        let mut raw = core::ptr::null_mut();
        // SAFETY: `raw` is a valid out-parameter.
        let rc = unsafe { c::rustre_sock_connect(&mut raw, local_port, ip, port, timeout_ms) };
        owned(rc, raw)
    }

    /// Sends all of `buf`.
    ///
    /// # Errors
    /// The errno of the send; the socket is then unusable. `EINVAL` for a
    /// buffer of 4 GiB or more.
    pub fn send_all(&self, buf: &[u8]) -> Result {
        let len = u32::try_from(buf.len()).map_err(|_| EINVAL)?;
        // SAFETY: `buf` is valid for reads of its length during the call;
        // the fragment is only read.
        unsafe { self.send_frags(&[Frag::mem(buf.as_ptr().cast_mut(), len)], false) }
    }

    /// Fills all of `buf`.
    ///
    /// # Errors
    /// `ECONNRESET` at the end of the stream, `EAGAIN` after the receive
    /// timeout, or the errno of the receive.
    pub fn recv_exact(&self, buf: &mut [u8]) -> Result {
        let len = u32::try_from(buf.len()).map_err(|_| EINVAL)?;
        // SAFETY: `buf` is valid for writes of its length during the call,
        // and we hold it exclusively.
        unsafe { self.recv_frags(&[Frag::mem(buf.as_mut_ptr(), len)]) }
    }

    /// Sends the bytes of `frags`, in order; with `zerocopy`, the pages
    /// among them by reference where the kernel and the device allow.
    ///
    /// # Safety
    /// The fragments' memory is valid for reads during the call; with
    /// `zerocopy`, their pages stay unchanged until the peer has received
    /// them.
    ///
    /// # Errors
    /// The errno of the send.
    pub unsafe fn send_frags(&self, frags: &[Frag], zerocopy: bool) -> Result {
        let (f, n) = Frag::raw(frags);
        // SAFETY: `f` is an array of `n` fragments; their memory is the
        // caller's contract.
        to_result(unsafe { c::rustre_sock_send_frags(self.raw.as_ptr(), f, n, zerocopy.into()) })
    }

    /// Receives exactly as many bytes as `frags` hold into them, in order.
    ///
    /// # Safety
    /// The fragments' memory is valid for writes during the call, and
    /// nothing reads or writes it meanwhile.
    ///
    /// # Errors
    /// As [`Socket::recv_exact`].
    pub unsafe fn recv_frags(&self, frags: &[Frag]) -> Result {
        let (f, n) = Frag::raw(frags);
        // SAFETY: as in `send_frags`.
        to_result(unsafe { c::rustre_sock_recv_frags(self.raw.as_ptr(), f, n) })
    }

    /// Makes receives fail with `EAGAIN` after `timeout_ms` (0: never).
    pub fn set_recv_timeout(&self, timeout_ms: u32) {
        // SAFETY: `self.raw` is a live socket.
        unsafe { c::rustre_sock_set_rcvtimeo(self.raw.as_ptr(), timeout_ms) };
    }

    /// Makes the connection fail (`ETIMEDOUT`) when the peer is silent to
    /// `count` keepalive probes, sent after `idle_s` seconds of silence and
    /// then every `interval_s`, or leaves sent data unacknowledged for
    /// `user_timeout_ms`.
    pub fn set_keepalive(&self, idle_s: i32, interval_s: i32, count: i32, user_timeout_ms: u32) {
        // SAFETY: `self.raw` is a live socket.
        unsafe {
            c::rustre_sock_set_keepalive(
                self.raw.as_ptr(),
                idle_s,
                interval_s,
                count,
                user_timeout_ms,
            )
        };
    }

    /// The peer's address and port (host order).
    pub fn peer(&self) -> (u32, u16) {
        let (mut ip, mut port) = (0, 0);
        // SAFETY: `self.raw` is a live socket; the out-parameters are valid.
        unsafe { c::rustre_sock_peer(self.raw.as_ptr(), &mut ip, &mut port) };
        (ip, port)
    }

    /// Shuts both directions down, which wakes any thread blocked on the
    /// socket.
    pub fn shutdown(&self) {
        // SAFETY: `self.raw` is a live socket.
        unsafe { c::rustre_sock_shutdown(self.raw.as_ptr()) };
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // SAFETY: `self.raw` is a live socket that nothing else references
        // once its owner is gone.
        unsafe { c::rustre_sock_release(self.raw.as_ptr()) };
    }
}
