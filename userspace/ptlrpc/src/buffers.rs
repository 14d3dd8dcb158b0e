//! The buffers a client registers on a portal for the RPCs in flight
//! ([`PortalBuffers`]), each known by its match bits and used once: on a
//! reply portal, the buffer a reply is PUT into ([`PortalBuffers::expect`],
//! under the request's XID); on a bulk portal, the buffers a server PUTs
//! read data into, or GETs write data from ([`PortalBuffers::offer`]).

use std::any::Any;
use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use rustre_lnet::wire::lnet::get_slice;
use rustre_lnet::{IncomingPut, Node, Portal, ProcessId};

/// The buffers registered on one portal.
#[derive(Default)]
pub struct PortalBuffers {
    sinks: Mutex<HashMap<u64, Sender<IncomingPut>>>,
    sources: Mutex<HashMap<u64, Vec<u8>>>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl PortalBuffers {
    /// The buffers on `portal` of `node`, shared by all its users there
    /// (the imports of every OST reply to the same portal).
    ///
    /// # Panics
    /// When another kind of service is on that portal.
    pub fn attach(node: &Node, portal: u32) -> Arc<PortalBuffers> {
        let any: Arc<dyn Any + Send + Sync> =
            node.attach_portal_once(portal, || Arc::new(PortalBuffers::default()));
        any.downcast::<PortalBuffers>()
            .unwrap_or_else(|_| panic!("portal {portal} has another service"))
    }

    /// Registers a buffer for the PUT with `match_bits`; the PUT arrives
    /// on the receiver (and is ACKed once it is there).
    pub fn expect(&self, match_bits: u64) -> Receiver<IncomingPut> {
        let (tx, rx) = mpsc::channel();
        locked(&self.sinks).insert(match_bits, tx);
        rx
    }

    /// Registers `data` for the GET with `match_bits`.
    pub fn offer(&self, match_bits: u64, data: Vec<u8>) {
        locked(&self.sources).insert(match_bits, data);
    }

    /// Unregisters what is left under `match_bits` (the RPC is over).
    pub fn withdraw(&self, match_bits: u64) {
        locked(&self.sinks).remove(&match_bits);
        locked(&self.sources).remove(&match_bits);
    }
}

impl Portal for PortalBuffers {
    fn put(&self, put: IncomingPut) -> Option<u32> {
        let len = u32::try_from(put.payload.len()).ok()?;
        let tx = locked(&self.sinks).remove(&put.match_bits)?;
        tx.send(put).ok().map(|()| len)
    }

    fn get(&self, _: ProcessId, match_bits: u64, offset: u32, length: u32) -> Option<Vec<u8>> {
        let data = locked(&self.sources).remove(&match_bits)?;
        Some(get_slice(&data, offset, length).to_vec())
    }
}
