// SPDX-License-Identifier: GPL-2.0

//! Memory descriptors (`lnet_libmd`) and their match entries (`lnet_me`):
//! the buffers that the users of `lnet/api.h` lend to LNet, and the table
//! that incoming PUTs, GETs, REPLYs and ACKs are matched against.
//!
//! An MD lives in the table while it is linked; every operation takes a
//! reference (`Arc<Md>`) for as long as it reads or writes the memory. The
//! MD's last event (`unlinked` set) is given when the last reference goes:
//! the event of the operation that used up its threshold, or
//! `LNET_EVENT_UNLINK` after `lnet_md_unlink()` or when the network goes
//! down. So the user may free the memory once it has seen that event, and
//! no operation can touch the memory after it.
//!
//! The memory is the user's: it is only ever accessed through raw pointers
//! handed to the socket layer, for ranges checked against the MD's length,
//! never as Rust references, so that a peer's PUT into one part and a GET
//! of another part may run at the same time.

use core::ptr::NonNull;

use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::{Arc, Mutex};

use crate::api::bindings as api;
use crate::errno;
use crate::frag::Frag;
use crate::lnd::Rx;
use crate::net::Socket;
use crate::wire::lnet::{LNET_NID_ANY, LNET_PID_ANY};

/// What a peer asks of an attached MD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A PUT into it.
    Put,
    /// A GET from it.
    Get,
}

/// Which incoming messages an attached MD takes (`lnet_me`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct MatchEntry {
    /// The portal.
    pub portal: u32,
    /// The peer NID that may match, or `LNET_NID_ANY`.
    pub nid: u64,
    /// The peer PID that may match, or `LNET_PID_ANY`.
    pub pid: u32,
    /// The match bits.
    pub match_bits: u64,
    /// The bits of `match_bits` not compared.
    pub ignore_bits: u64,
}

impl MatchEntry {
    fn matches(&self, portal: u32, nid: u64, pid: u32, bits: u64) -> bool {
        self.portal == portal
            && (self.nid == LNET_NID_ANY || self.nid == nid)
            && (self.pid == LNET_PID_ANY || self.pid == pid)
            && (self.match_bits ^ bits) & !self.ignore_bits == 0
    }
}

/// An event, as the API's `struct lnet_event` without the MD's parts.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Event {
    /// `LNET_EVENT_*`.
    pub kind: u32,
    /// 0 or a negative errno.
    pub status: i32,
    /// The initiator's NID and PID.
    pub initiator: (u64, u32),
    /// The match bits.
    pub match_bits: u64,
    /// The PUT's header data.
    pub hdr_data: u64,
    /// The length asked for.
    pub rlength: u32,
    /// The length moved.
    pub mlength: u32,
    /// The offset in the MD.
    pub offset: u32,
}

/// The user's event handler and its pointer.
struct Handler {
    func: unsafe extern "C" fn(*const api::lnet_event),
    user_ptr: *mut kernel::ffi::c_void,
}

// SAFETY: the API requires the handler to be callable from any thread;
// `user_ptr` is opaque to LNet and only handed back.
unsafe impl Send for Handler {}
// SAFETY: as for `Send`; LNet never dereferences `user_ptr`.
unsafe impl Sync for Handler {}

/// Where an MD's bytes are.
pub(crate) enum Memory {
    /// Contiguous kernel memory.
    Buf(NonNull<u8>),
    /// Parts of pages (`LNET_MD_KIOV`), in order.
    Kiov(KVec<Frag>),
}

/// A memory descriptor.
#[pin_data(PinnedDrop)]
pub(crate) struct Md {
    /// Its handle.
    pub handle: u64,
    mem: Memory,
    len: usize,
    /// `LNET_MD_*` options.
    pub options: u32,
    handler: Handler,
    /// The last event, given when the last reference goes.
    #[pin]
    last: Mutex<Option<Event>>,
}

// SAFETY: the memory is only accessed through raw pointers, in ranges that
// the table hands out (see the module's documentation); the rest is `Send`.
unsafe impl Send for Md {}
// SAFETY: as for `Send`.
unsafe impl Sync for Md {}

impl Md {
    /// The MD's length.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The fragments of `off..off + len`, checked to be within the MD.
    pub(crate) fn frags(&self, off: usize, len: usize) -> Result<KVec<Frag>> {
        if off.checked_add(len).map_or(true, |end| end > self.len) {
            return Err(EINVAL);
        }
        let mut frags = KVec::new();
        match &self.mem {
            Memory::Buf(ptr) => {
                // `off` is within the allocation of `self.len` bytes, and
                // an MD is at most LNET_MTU long.
                let p = ptr.as_ptr().wrapping_add(off);
                frags.push(Frag::mem(p, len as u32), GFP_KERNEL)?;
            }
            Memory::Kiov(kiov) => {
                // Both are at most LNET_MTU.
                let (mut skip, mut left) = (off as u32, len as u32);
                for f in kiov.iter() {
                    if left == 0 {
                        break;
                    }
                    if skip >= f.len() {
                        skip -= f.len();
                        continue;
                    }
                    let part = f.part(skip, left);
                    skip = 0;
                    left -= part.len();
                    frags.push(part, GFP_KERNEL)?;
                }
            }
        }
        Ok(frags)
    }

    /// Receives `len` bytes of the payload of `rx` into the MD at `off`.
    pub(crate) fn recv(&self, rx: &impl Rx, off: usize, len: usize) -> Result {
        let frags = self.frags(off, len)?;
        // SAFETY: the fragments are within the MD, whose memory the user
        // keeps valid while the MD has references; the table gave this
        // operation the range, so nothing else writes it.
        unsafe { rx.recv_frags(&frags) }
    }

    /// Whether it is made of pages (`LNET_MD_KIOV`).
    pub(crate) fn is_kiov(&self) -> bool {
        matches!(self.mem, Memory::Kiov(_))
    }

    /// Sends `len` bytes of the MD from `off` on `sock`; with `zerocopy`,
    /// its pages by reference, and the caller then keeps a reference to the
    /// MD until the peer has acknowledged them (see `socklnd/zc.rs`).
    pub(crate) fn send(&self, sock: &Socket, off: usize, len: usize, zerocopy: bool) -> Result {
        let frags = self.frags(off, len)?;
        // SAFETY: as in `recv`; reading while a peer writes another part of
        // the MD touches different bytes. With `zerocopy`, the MD (so its
        // memory) stays until the peer has the pages, the caller's promise.
        unsafe { sock.send_frags(&frags, zerocopy) }
    }

    /// Gives `ev` to the handler now, or keeps it for the last reference
    /// when it is the MD's last event.
    pub(crate) fn event(&self, ev: Event, last: bool) {
        if last {
            *self.last.lock() = Some(ev);
        } else {
            self.deliver(ev, false);
        }
    }

    fn deliver(&self, ev: Event, unlinked: bool) {
        let c = api::lnet_event {
            type_: ev.kind as i32,
            status: ev.status,
            unlinked: unlinked.into(),
            initiator: api::lnet_process_id {
                nid: ev.initiator.0,
                pid: ev.initiator.1,
            },
            match_bits: ev.match_bits,
            hdr_data: ev.hdr_data,
            rlength: ev.rlength,
            mlength: ev.mlength,
            offset: ev.offset,
            md_handle: self.handle,
            user_ptr: self.handler.user_ptr,
        };
        // SAFETY: the API requires the handler to stay callable until the
        // MD's last event, which is at most this one.
        unsafe { (self.handler.func)(&c) };
    }
}

#[pinned_drop]
impl PinnedDrop for Md {
    fn drop(self: Pin<&mut Self>) {
        // Nothing uses the MD any more: its last event goes now. Without
        // one, it was unlinked when the network went down.
        let ev = self.last.lock().take().unwrap_or(Event {
            kind: api::LNET_EVENT_UNLINK,
            status: errno::eshutdown().to_errno(),
            ..Event::default()
        });
        self.deliver(ev, true);
    }
}

/// What the user gave for a new MD.
pub(crate) struct MdSpec {
    /// The memory.
    pub mem: Memory,
    /// Its length in bytes.
    pub len: usize,
    /// The threshold, or `LNET_MD_THRESH_INF`.
    pub threshold: i32,
    /// `LNET_MD_*`.
    pub options: u32,
    /// The handler.
    pub handler: Option<unsafe extern "C" fn(*const api::lnet_event)>,
    /// For the events.
    pub user_ptr: *mut kernel::ffi::c_void,
}

/// An operation matched to an MD: where in it, how much.
pub(crate) struct Matched {
    /// The MD.
    pub md: Arc<Md>,
    /// The offset in the MD.
    pub offset: usize,
    /// The bytes to move.
    pub mlength: usize,
    /// Whether this operation used up the MD's threshold.
    pub last: bool,
}

/// A linked MD.
pub(crate) struct MdEntry {
    md: Arc<Md>,
    me: Option<MatchEntry>,
    threshold: i32,
    /// Where the next PUT or GET goes without `LNET_MD_MANAGE_REMOTE`.
    local_offset: usize,
}

impl MdEntry {
    /// Uses one operation of the threshold; true when it was the last.
    fn consume(&mut self) -> bool {
        if self.threshold > 0 {
            self.threshold -= 1;
            self.threshold == 0
        } else {
            false
        }
    }
}

/// The linked MDs, by handle (in the order they were linked).
#[derive(Default)]
pub(crate) struct MdTable {
    mds: RBTree<u64, MdEntry>,
    next_handle: u64,
}

impl MdTable {
    /// Links a new MD, attached to `me` or bound, and returns its handle.
    ///
    /// # Safety
    /// The memory of `spec` (`spec.len` bytes) is valid for reads and
    /// writes until the MD's last event has been given to `spec.handler`.
    pub(crate) unsafe fn link(&mut self, spec: MdSpec, me: Option<MatchEntry>) -> Result<u64> {
        let func = spec.handler.ok_or(EINVAL)?;
        let len = spec.len;
        if len > crate::wire::lnet::LNET_MTU as usize
            || spec.threshold == 0
            || spec.threshold < api::LNET_MD_THRESH_INF
        {
            return Err(EINVAL);
        }
        let handle = self.next_handle;
        let md = Arc::pin_init(
            pin_init!(Md {
                handle,
                mem: spec.mem,
                len,
                options: spec.options,
                handler: Handler {
                    func,
                    user_ptr: spec.user_ptr,
                },
                last <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )?;
        let entry = MdEntry {
            md,
            me,
            threshold: spec.threshold,
            local_offset: 0,
        };
        self.mds.try_create_and_insert(handle, entry, GFP_KERNEL)?;
        self.next_handle += 1;
        Ok(handle)
    }

    /// Matches a PUT or GET from `src` on `portal` with `bits`, asking for
    /// `rlength` bytes at `offset`: the first attached MD that takes it.
    /// `None` when no MD matches or the matching one has no room (and does
    /// not truncate): the message is dropped, as in LNet.
    pub(crate) fn match_incoming(
        &mut self,
        op: Op,
        portal: u32,
        src: (u64, u32),
        bits: u64,
        offset: u32,
        rlength: u32,
    ) -> Option<Matched> {
        let want = match op {
            Op::Put => api::LNET_MD_OP_PUT,
            Op::Get => api::LNET_MD_OP_GET,
        };
        let (handle, entry) = self.mds.iter_mut().find(|(_, e)| {
            e.md.options & want != 0
                && e.me
                    .is_some_and(|me| me.matches(portal, src.0, src.1, bits))
        })?;
        let md = &entry.md;
        let off = if md.options & api::LNET_MD_MANAGE_REMOTE != 0 {
            offset as usize
        } else {
            entry.local_offset
        };
        let room = md.len().checked_sub(off)?;
        let rlength = rlength as usize;
        let mlength = if rlength <= room {
            rlength
        } else if op == Op::Get || md.options & api::LNET_MD_TRUNCATE != 0 {
            room
        } else {
            return None;
        };
        entry.local_offset = off + mlength;
        let matched = Matched {
            md: md.clone(),
            offset: off,
            mlength,
            last: entry.consume(),
        };
        if matched.last {
            let handle = *handle;
            self.mds.remove(&handle);
        }
        Some(matched)
    }

    /// Uses one operation of MD `handle` (a SEND, or the ACK or REPLY that
    /// came for it): the MD, and whether that was its last.
    pub(crate) fn consume(&mut self, handle: u64) -> Option<(Arc<Md>, bool)> {
        let entry = self.mds.get_mut(&handle)?;
        let md = entry.md.clone();
        let last = entry.consume();
        if last {
            self.mds.remove(&handle);
        }
        Some((md, last))
    }

    /// The MD `handle`, while it is linked.
    pub(crate) fn get(&self, handle: u64) -> Option<Arc<Md>> {
        self.mds.get(&handle).map(|e| e.md.clone())
    }

    /// Unlinks MD `handle`: its last event will be `LNET_EVENT_UNLINK`.
    /// The caller drops the returned reference outside the table's lock.
    pub(crate) fn unlink(&mut self, handle: u64) -> Option<Arc<Md>> {
        let entry = self.mds.remove(&handle)?;
        entry.md.event(
            Event {
                kind: api::LNET_EVENT_UNLINK,
                ..Event::default()
            },
            true,
        );
        Some(entry.md)
    }

    /// Takes every MD, to be dropped outside the table's lock.
    pub(crate) fn take_all(&mut self) -> RBTree<u64, MdEntry> {
        core::mem::take(&mut self.mds)
    }
}
