// SPDX-License-Identifier: GPL-2.0

//! The operations of the API's users (Lustre's `lib-move.c` and
//! `lib-md.c`): linking and unlinking memory descriptors, starting PUTs and
//! GETs, and handling the PUTs, GETs, REPLYs and ACKs that peers send to
//! them.
//!
//! Every incoming message is matched under the MD table's lock, which hands
//! the operation a range of the MD and a reference to it; the data moves
//! and the event is given with no lock held.

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::api::bindings as api;
use crate::klog::warn_ratelimited;
use crate::lnd::{Ends, Link, Rx};
use crate::md::{Event, MatchEntry, MdSpec, Op};
use crate::ni::{Lnet, NidFmt, MD_COOKIE};
use crate::socklnd::tx::{Payload, Tx, TxEvent};
use crate::wire::lnet::hdr::{LnetMsg, WireHandle};

/// The wire handle that names MD `handle` to a peer.
fn md_wire_handle(handle: u64) -> WireHandle {
    WireHandle {
        interface_cookie: MD_COOKIE,
        object_cookie: handle,
    }
}

impl Lnet {
    /// Links an MD: attached to `me`, or bound when `me` is `None`.
    ///
    /// # Safety
    /// As `MdTable::link`: the memory stays valid until the MD's last event.
    pub(crate) unsafe fn md_link(&self, spec: MdSpec, me: Option<MatchEntry>) -> Result<u64> {
        // SAFETY: the caller's contract.
        unsafe { self.mds.lock().link(spec, me) }
    }

    /// Unlinks MD `handle`.
    pub(crate) fn md_unlink(&self, handle: u64) -> Result {
        let md = self.mds.lock().unlink(handle).ok_or(ENOENT)?;
        // The last event goes when the last reference does, maybe now.
        drop(md);
        Ok(())
    }

    /// Sends all of MD `handle` to `target` in a PUT. (The arguments are
    /// those of `lnet_put()`, as of Lustre's `LNetPut()`.)
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn put(
        self: &Arc<Self>,
        handle: u64,
        ack: bool,
        target: (u64, u32),
        portal: u32,
        match_bits: u64,
        offset: u32,
        hdr_data: u64,
    ) -> Result {
        let len = self.mds.lock().get(handle).ok_or(ENOENT)?.len();
        let route = self.route(target.0, len)?;
        let msg = LnetMsg::Put {
            ack_wmd: if ack {
                md_wire_handle(handle)
            } else {
                WireHandle::NONE
            },
            match_bits,
            hdr_data,
            ptl_index: portal,
            offset,
        };
        let hdr = self.hdr_to(
            Ends {
                peer_pid: target.1,
                ..route.ends()
            },
            msg,
            len,
        )?;
        let ev = Event {
            kind: api::LNET_EVENT_SEND,
            initiator: (hdr.src_nid, hdr.src_pid),
            match_bits,
            hdr_data,
            rlength: hdr.payload_length,
            mlength: hdr.payload_length,
            ..Event::default()
        };
        let event = self.send_event(handle, ev)?;
        let payload = Payload::Md {
            md: event.md.clone(),
            off: 0,
            len,
        };
        route.post(Tx::lnet(&hdr, payload, Some(event))?);
        Ok(())
    }

    /// Asks `target` for up to the length of MD `handle` in a GET.
    pub(crate) fn get(
        self: &Arc<Self>,
        handle: u64,
        target: (u64, u32),
        portal: u32,
        match_bits: u64,
        offset: u32,
    ) -> Result {
        let len = self.mds.lock().get(handle).ok_or(ENOENT)?.len();
        let route = self.route(target.0, 0)?;
        // MDs are at most LNET_MTU long.
        let sink_length = len as u32;
        let msg = LnetMsg::Get {
            return_wmd: md_wire_handle(handle),
            match_bits,
            ptl_index: portal,
            src_offset: offset,
            sink_length,
        };
        let hdr = self.hdr_to(
            Ends {
                peer_pid: target.1,
                ..route.ends()
            },
            msg,
            0,
        )?;
        let ev = Event {
            kind: api::LNET_EVENT_SEND,
            initiator: (hdr.src_nid, hdr.src_pid),
            match_bits,
            rlength: sink_length,
            ..Event::default()
        };
        let event = self.send_event(handle, ev)?;
        route.post(Tx::lnet(&hdr, Payload::None, Some(event))?);
        Ok(())
    }

    /// Uses one operation of MD `handle` for the SEND event `ev`, which is
    /// given when the message has gone.
    ///
    /// # Errors
    /// `ENOENT` when the MD was unlinked meanwhile.
    fn send_event(&self, handle: u64, ev: Event) -> Result<TxEvent> {
        let (md, last) = self.mds.lock().consume(handle).ok_or(ENOENT)?;
        Ok(TxEvent { md, ev, last })
    }

    /// A PUT from `src`: into the matching MD, then the ACK it asks for.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn recv_put(
        &self,
        rx: &impl Rx,
        src: (u64, u32),
        ack_wmd: WireHandle,
        match_bits: u64,
        hdr_data: u64,
        portal: u32,
        offset: u32,
        len: usize,
    ) -> Result {
        // At most LNET_MTU, checked by the decoder.
        let rlength = len as u32;
        let matched =
            self.mds
                .lock()
                .match_incoming(Op::Put, portal, src, match_bits, offset, rlength);
        let Some(m) = matched else {
            self.drop_unmatched("PUT", src, portal, match_bits, len);
            return rx.skip(len);
        };
        m.md.recv(rx, m.offset, m.mlength)?;
        rx.skip(len - m.mlength)?;
        // At most rlength.
        let mlength = m.mlength as u32;
        if ack_wmd != WireHandle::NONE && m.md.options & api::LNET_MD_ACK_DISABLE == 0 {
            let ack = LnetMsg::Ack {
                dst_wmd: ack_wmd,
                match_bits,
                mlength,
            };
            rx.post(Tx::lnet(
                &self.hdr_to(rx.ends(), ack, 0)?,
                Payload::None,
                None,
            )?);
        }
        m.md.event(
            Event {
                kind: api::LNET_EVENT_PUT,
                initiator: src,
                match_bits,
                hdr_data,
                rlength,
                mlength,
                // Within the MD, at most LNET_MTU.
                offset: m.offset as u32,
                ..Event::default()
            },
            m.last,
        );
        Ok(())
    }

    /// A GET from `src`: a REPLY with the data of the matching MD.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn recv_get(
        &self,
        rx: &impl Rx,
        src: (u64, u32),
        return_wmd: WireHandle,
        match_bits: u64,
        portal: u32,
        src_offset: u32,
        sink_length: u32,
    ) -> Result {
        let matched = self.mds.lock().match_incoming(
            Op::Get,
            portal,
            src,
            match_bits,
            src_offset,
            sink_length,
        );
        let Some(m) = matched else {
            self.drop_unmatched("GET", src, portal, match_bits, 0);
            return Ok(());
        };
        let reply = LnetMsg::Reply {
            dst_wmd: return_wmd,
        };
        let hdr = self.hdr_to(rx.ends(), reply, m.mlength)?;
        let ev = Event {
            kind: api::LNET_EVENT_GET,
            initiator: src,
            match_bits,
            rlength: sink_length,
            // At most sink_length.
            mlength: m.mlength as u32,
            offset: m.offset as u32,
            ..Event::default()
        };
        let payload = Payload::Md {
            md: m.md.clone(),
            off: m.offset,
            len: m.mlength,
        };
        let event = TxEvent {
            md: m.md,
            ev,
            last: m.last,
        };
        rx.post(Tx::lnet(&hdr, payload, Some(event))?);
        Ok(())
    }

    /// The REPLY to one of our GETs: its data into the MD that asked.
    pub(crate) fn recv_reply(
        &self,
        rx: &impl Rx,
        src: (u64, u32),
        dst_wmd: WireHandle,
        len: usize,
    ) -> Result {
        let used = (dst_wmd.interface_cookie == MD_COOKIE)
            .then(|| self.mds.lock().consume(dst_wmd.object_cookie))
            .flatten();
        let Some((md, last)) = used else {
            self.drop_unmatched("REPLY", src, 0, dst_wmd.object_cookie, len);
            return rx.skip(len);
        };
        let mlength = len.min(md.len());
        let res = md
            .recv(rx, 0, mlength)
            .and_then(|()| rx.skip(len - mlength));
        md.event(
            Event {
                kind: api::LNET_EVENT_REPLY,
                status: res.err().map_or(0, |e| e.to_errno()),
                initiator: src,
                // At most LNET_MTU.
                rlength: len as u32,
                mlength: mlength as u32,
                ..Event::default()
            },
            last,
        );
        res
    }

    /// The ACK of one of our PUTs.
    pub(crate) fn recv_ack(
        &self,
        src: (u64, u32),
        dst_wmd: WireHandle,
        match_bits: u64,
        mlength: u32,
    ) {
        let used = (dst_wmd.interface_cookie == MD_COOKIE)
            .then(|| self.mds.lock().consume(dst_wmd.object_cookie))
            .flatten();
        let Some((md, last)) = used else {
            self.drop_unmatched("ACK", src, 0, match_bits, 0);
            return;
        };
        md.event(
            Event {
                kind: api::LNET_EVENT_ACK,
                initiator: src,
                match_bits,
                rlength: mlength,
                mlength,
                ..Event::default()
            },
            last,
        );
    }

    /// Counts and logs a message that nothing takes, with `len` bytes of
    /// payload.
    fn drop_unmatched(&self, what: &str, src: (u64, u32), portal: u32, bits: u64, len: usize) {
        self.stats().dropped(len);
        warn_ratelimited(format_args!(
            "{}-{}: dropping a {what} (portal {portal}, match bits {bits:#x}) that nothing takes",
            src.1,
            NidFmt(src.0)
        ));
    }
}
