// SPDX-License-Identifier: GPL-2.0

//! [`MdBuf`]: a buffer lent to LNet as a memory descriptor, with its events.
//!
//! The buffer (a `KVVec` or pages, see `memory.rs`) is owned by the
//! `MdBuf`, so its memory stays put and valid while LNet uses it; it comes
//! back only once LNet has given the MD's last event
//! ([`MdBuf::into_buffer`]), and dropping an `MdBuf` unlinks the MD and
//! waits for that event before the memory is freed.
//! Events are counted by kind in a state shared with the handler, which
//! holds its own reference until the last event.

use kernel::alloc::KVVec;
use kernel::ffi::c_void;
use kernel::prelude::*;
use kernel::sync::{Arc, CondVar, CondVarTimeoutResult, Mutex};
use kernel::time::msecs_to_jiffies;

use super::memory::MdMemory;
use super::{bindings, to_result, ProcessId};

/// The kinds of events an MD gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A peer got data from it.
    Get,
    /// A peer put data into it.
    Put,
    /// The data of our GET arrived.
    Reply,
    /// The peer acknowledged our PUT.
    Ack,
    /// Our PUT or GET was sent.
    Send,
    /// It was unlinked.
    Unlink,
}

impl EventKind {
    const ALL: [EventKind; 6] = [
        EventKind::Get,
        EventKind::Put,
        EventKind::Reply,
        EventKind::Ack,
        EventKind::Send,
        EventKind::Unlink,
    ];

    fn from_raw(t: i32) -> Option<Self> {
        let t = u32::try_from(t).ok()?;
        Some(match t {
            bindings::LNET_EVENT_GET => EventKind::Get,
            bindings::LNET_EVENT_PUT => EventKind::Put,
            bindings::LNET_EVENT_REPLY => EventKind::Reply,
            bindings::LNET_EVENT_ACK => EventKind::Ack,
            bindings::LNET_EVENT_SEND => EventKind::Send,
            bindings::LNET_EVENT_UNLINK => EventKind::Unlink,
            _ => return None,
        })
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The options of an MD (`LNET_MD_*`).
#[derive(Clone, Copy, Debug, Default)]
pub struct MdOptions {
    /// Peers may PUT into it.
    pub op_put: bool,
    /// Peers may GET from it.
    pub op_get: bool,
    /// The peer's offset is used.
    pub manage_remote: bool,
    /// What fits of a larger PUT is taken.
    pub truncate: bool,
    /// No ACK is ever sent for PUTs into it.
    pub ack_disable: bool,
}

impl MdOptions {
    fn raw(self) -> u32 {
        [
            (self.op_put, bindings::LNET_MD_OP_PUT),
            (self.op_get, bindings::LNET_MD_OP_GET),
            (self.manage_remote, bindings::LNET_MD_MANAGE_REMOTE),
            (self.truncate, bindings::LNET_MD_TRUNCATE),
            (self.ack_disable, bindings::LNET_MD_ACK_DISABLE),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |acc, (_, bit)| acc | bit)
    }
}

/// Where the data of the last PUT, GET or REPLY of an MD went or came
/// from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    /// Its offset in the MD.
    pub offset: u32,
    /// Its length.
    pub length: u32,
}

/// What the events of an MD have said so far.
#[derive(Default)]
struct Seen {
    counts: [u32; EventKind::ALL.len()],
    /// The first failed event's status.
    status: i32,
    /// The last PUT, REPLY or GET.
    moved: Moved,
    unlinked: bool,
}

#[pin_data]
struct MdState {
    #[pin]
    seen: Mutex<Seen>,
    #[pin]
    cv: CondVar,
}

/// A linked MD: unlinked, and its last event waited for, when dropped.
struct Linked {
    handle: u64,
    state: Arc<MdState>,
}

/// A buffer lent to LNet as a memory descriptor.
pub struct MdBuf<M: MdMemory = KVVec<u8>> {
    /// Dropped first: LNet is done with `buf` before it goes.
    md: Linked,
    buf: M,
}

impl<M: MdMemory> MdBuf<M> {
    /// Lends `buf` to LNet as an MD that this node PUTs from or GETs into,
    /// for `threshold` events.
    ///
    /// # Errors
    /// `EINVAL` for a buffer over 1 MiB, `ENETDOWN`, `ENOMEM`.
    pub fn bind(buf: M, threshold: i32) -> Result<Self> {
        Self::link(buf, threshold, MdOptions::default(), None)
    }

    /// Lends `buf` to LNet as an MD attached to `portal`, which takes the
    /// PUTs and GETs of `peer` (or any, with `LNET_NID_ANY` and
    /// `LNET_PID_ANY`) with `match_bits`, ignoring `ignore_bits`.
    ///
    /// # Errors
    /// As [`MdBuf::bind`].
    pub fn attach(
        buf: M,
        threshold: i32,
        options: MdOptions,
        portal: u32,
        peer: ProcessId,
        match_bits: u64,
        ignore_bits: u64,
    ) -> Result<Self> {
        Self::link(
            buf,
            threshold,
            options,
            Some((portal, peer, match_bits, ignore_bits)),
        )
    }

    fn link(
        mut buf: M,
        threshold: i32,
        options: MdOptions,
        me: Option<(u32, ProcessId, u64, u64)>,
    ) -> Result<Self> {
        let state = Arc::pin_init(
            pin_init!(MdState {
                seen <- kernel::new_mutex!(Seen::default()),
                cv <- kernel::new_condvar!(),
            }),
            GFP_KERNEL,
        )?;
        // The handler's reference, released by the last event.
        let user_ptr = Arc::into_raw(state.clone()).cast_mut().cast::<c_void>();
        let described = buf.describe()?;
        let md = bindings::lnet_md {
            start: described.start,
            length: described.length,
            threshold,
            options: options.raw() | described.options,
            handler: Some(md_handler),
            user_ptr,
        };
        let mut handle = 0;
        // SAFETY: `md` points to the buffer, which `Self` owns and gives back
        // only after the last event; `md_handler` is ours and stays loaded
        // as long as this module, which outlives its MDs (see `Drop`).
        let rc = unsafe {
            match me {
                Some((portal, peer, bits, ignore)) => {
                    bindings::lnet_md_attach(portal, peer.raw(), bits, ignore, &md, &mut handle)
                }
                None => bindings::lnet_md_bind(&md, &mut handle),
            }
        };
        if let Err(e) = to_result(rc) {
            // SAFETY: the MD was not linked, so the handler never runs and
            // its reference is still ours to release.
            drop(unsafe { Arc::from_raw(user_ptr.cast::<MdState>()) });
            return Err(e);
        }
        Ok(MdBuf {
            md: Linked { handle, state },
            buf,
        })
    }

    /// Sends the whole buffer to `target` on `portal` with `match_bits`,
    /// asking for an ACK when `ack`. It returns once the PUT is queued; the
    /// SEND event says when it has gone, or why it could not.
    ///
    /// # Errors
    /// Why it could not be queued (no such peer, no connection); then no
    /// event comes.
    pub fn put(
        &self,
        ack: bool,
        target: ProcessId,
        portal: u32,
        match_bits: u64,
        offset: u32,
        hdr_data: u64,
    ) -> Result {
        // SAFETY: plain values.
        to_result(unsafe {
            bindings::lnet_put(
                self.md.handle,
                ack.into(),
                target.raw(),
                portal,
                match_bits,
                offset,
                hdr_data,
            )
        })
    }

    /// Asks `target` for up to the buffer's length from `portal` with
    /// `match_bits`. It returns once the GET is queued, as [`Self::put`].
    ///
    /// # Errors
    /// Why it could not be queued; then no event comes.
    pub fn get(&self, target: ProcessId, portal: u32, match_bits: u64, offset: u32) -> Result {
        // SAFETY: plain values.
        to_result(unsafe {
            bindings::lnet_get(self.md.handle, target.raw(), portal, match_bits, offset)
        })
    }

    /// Waits at most `timeout_ms` until at least `count` events of `kind`
    /// have come (or the MD's last one), and returns where the last PUT,
    /// GET or REPLY moved its data.
    ///
    /// # Errors
    /// `EAGAIN` on timeout, `EINTR` on a signal, `EIO` when the events did
    /// not come before the MD was unlinked, or a failed event's status.
    pub fn wait(&self, kind: EventKind, count: u32, timeout_ms: u32) -> Result<Moved> {
        let mut seen = self.md.state.seen.lock();
        let mut left = msecs_to_jiffies(timeout_ms);
        while seen.counts[kind.index()] < count && !seen.unlinked {
            match self.md.state.cv.wait_interruptible_timeout(&mut seen, left) {
                CondVarTimeoutResult::Timeout => return Err(EAGAIN),
                CondVarTimeoutResult::Signal { .. } => return Err(EINTR),
                CondVarTimeoutResult::Woken { jiffies } => left = jiffies,
            }
        }
        if seen.status != 0 {
            return Err(Error::from_errno(seen.status));
        }
        if seen.counts[kind.index()] < count {
            return Err(EIO);
        }
        Ok(seen.moved)
    }

    /// Unlinks the MD if it is still linked, waits for its last event, and
    /// gives the buffer back.
    pub fn into_buffer(self) -> M {
        let MdBuf { md, buf } = self;
        drop(md);
        buf
    }
}

impl Drop for Linked {
    /// Unlinks the MD and waits, uninterruptibly, for its last event: after
    /// it, LNet no longer touches the buffer.
    fn drop(&mut self) {
        // SAFETY: plain value; ENOENT when the MD is already unlinked.
        let _ = unsafe { bindings::lnet_md_unlink(self.handle) };
        let mut seen = self.state.seen.lock();
        while !seen.unlinked {
            self.state.cv.wait(&mut seen);
        }
    }
}

/// The handler of every MD of this module.
///
/// # Safety
/// `ev` points to a valid event whose `user_ptr` came from
/// `Arc::into_raw` of an `MdState` in `MdBuf::link`; after the event with
/// `unlinked` set, LNet never calls again for that MD.
unsafe extern "C" fn md_handler(ev: *const bindings::lnet_event) {
    // SAFETY: the caller's contract.
    let ev = unsafe { &*ev };
    let state = ev.user_ptr.cast::<MdState>();
    // SAFETY: the handler's reference is alive until the last event.
    let st = unsafe { &*state };
    {
        let mut seen = st.seen.lock();
        if let Some(kind) = EventKind::from_raw(ev.type_) {
            seen.counts[kind.index()] += 1;
            if matches!(kind, EventKind::Put | EventKind::Get | EventKind::Reply) {
                seen.moved = Moved {
                    offset: ev.offset,
                    length: ev.mlength,
                };
            }
        }
        if ev.status != 0 && seen.status == 0 && ev.type_ != bindings::LNET_EVENT_UNLINK as i32 {
            seen.status = ev.status;
        }
        if ev.unlinked != 0 {
            seen.unlinked = true;
        }
        st.cv.notify_all();
    }
    if ev.unlinked != 0 {
        // SAFETY: the last event: release the handler's reference, taken in
        // `MdBuf::link`.
        drop(unsafe { Arc::from_raw(state) });
    }
}
