// SPDX-License-Identifier: GPL-2.0

//! The LNet core of `lnet.ko` ([`Lnet`]): this node's network interfaces
//! (NIDs), its connections, the messages LNet itself handles (pings, in
//! both directions), and starting and stopping it all.
//!
//! Threads: the acceptor (`lnet_acceptor`), two per connection, one
//! receiving (`socknal_rx`), which handles each message it reads, and one
//! sending (`socknal_tx`) what others queue (see `socklnd/tx.rs`), the
//! loopback thread (`lnet_lo`, see `lolnd.rs`), the connection thread
//! (`socknal_connd`, see `connd.rs`), and the keepalive thread
//! (`socknal_reaper`), which queues a NOOP on a control connection idle for
//! `keepalive` seconds.
//!
//! Locks: `connecting`, held while a connection set to a peer is set up
//! (so that a peer gets one), across socket I/O, and the others, which are
//! never nested: `table` (the connections), `sleep_lock` (what threads
//! sleep on between polls), `waiting` (the messages waiting for
//! connections), `gets` (the outstanding pings, with `gets_cv` to wait for
//! their REPLY), `mds` (the memory descriptors, see `md.rs`), and each
//! connection's `queue`. No lock is held while an event handler runs.
//!
//! The PUTs, GETs, REPLYs and ACKs of the API's users are handled in
//! `lib_move.rs`.

use core::fmt;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use kernel::c_str;
use kernel::prelude::*;
use kernel::rbtree::RBTree;
use kernel::sync::{Arc, CondVar, CondVarTimeoutResult, Mutex};
use kernel::time::msecs_to_jiffies;

use crate::acceptor;
use crate::config::{Accept, Config};
use crate::connd::{PeerLink, Waiting};
use crate::errno;
use crate::klog::{real_time_ns, warn_ratelimited};
use crate::kthread::KThread;
use crate::lnd::{Ends, Link, Rx};
use crate::lolnd::LoLink;
use crate::md::MdTable;
use crate::net::Socket;
use crate::peer::{ConnEntry, ConnTable};
use crate::socklnd;
use crate::socklnd::conn::{Conn, ConnInfo, Frame};
use crate::socklnd::tx::{Payload, Tx, TxQueue};
use crate::socklnd::zc::ZcTable;
use crate::stats::Stats;
use crate::wire::lnet::ctl::{PingResult, LNET_IOC_MAX_NIDS};
use crate::wire::lnet::hdr::{LnetHdr, LnetMsg, WireHandle, LNET_HDR_SIZE};
use crate::wire::lnet::networks::MAX_NETWORKS;
use crate::wire::lnet::ping::{encode_ping_info, ping_info_size, PingInfo};
use crate::wire::lnet::{
    get_slice, LNET_PID_LUSTRE, LNET_PROTO_PING_MATCHBITS, LNET_RESERVED_PORTAL,
};
use crate::wire::nid::Nid;
use crate::wire::socklnd::handshake::Local;
use crate::wire::socklnd::hello::{ConnType, KSOCK_PROTO_V2, KSOCK_PROTO_V3};

/// The largest ping reply we take: one with [`LNET_IOC_MAX_NIDS`] NIDs
/// besides `0@lo`.
const PING_REPLY_MAX: usize = ping_info_size(LNET_IOC_MAX_NIDS + 1);

/// The interface cookie of the return handle of our pings, which tells
/// their REPLYs from those of the API's GETs (whose cookie is the MD's
/// handle under [`MD_COOKIE`]).
const PING_COOKIE: u64 = 0x7069_6e67;

/// How often a node that lost a connection race looks for the winner's
/// connections, in milliseconds.
const RACE_POLL_MS: u32 = 100;

/// The interface cookie of the wire handles of the API's MDs.
pub(crate) const MD_COOKIE: u64 = 0x6d64;

/// Formats a 64-bit NID for a log line.
pub(crate) struct NidFmt(pub u64);

impl fmt::Display for NidFmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Nid::from_u64(self.0) {
            Ok(n) => write!(f, "{n}"),
            Err(_) => write!(f, "{:#x}", self.0),
        }
    }
}

/// The outstanding GETs: by the object cookie of their return handle, the
/// REPLY's payload once it has come.
#[derive(Default)]
struct Gets {
    replies: RBTree<u64, Option<KVec<u8>>>,
    next_cookie: u64,
}

/// The way a message goes to its destination.
pub(crate) enum Route<'a> {
    /// A socklnd connection.
    Conn(Arc<Conn>),
    /// The loopback.
    Lo(LoLink<'a>),
    /// The connection thread, until the peer is connected.
    Peer(PeerLink<'a>),
}

impl Link for Route<'_> {
    fn ends(&self) -> Ends {
        match self {
            Route::Conn(c) => c.ends(),
            Route::Lo(l) => l.ends(),
            Route::Peer(p) => p.ends(),
        }
    }

    fn post(&self, tx: Tx) {
        match self {
            Route::Conn(c) => c.post(tx),
            Route::Lo(l) => l.post(tx),
            Route::Peer(p) => p.post(tx),
        }
    }
}

/// LNet.
#[pin_data]
pub(crate) struct Lnet {
    config: Config,
    stats: Arc<Stats>,
    /// The zero-copy sends waiting for acknowledgements (`socklnd/zc.rs`).
    zc: Arc<ZcTable>,
    nids: [Option<Nid>; MAX_NETWORKS],
    /// Who we are on each network: NID, PID and incarnation.
    locals: KVec<Local>,
    listener: Option<Socket>,
    stopping: AtomicBool,
    #[pin]
    acceptor: Mutex<Option<KThread>>,
    /// The keepalive thread.
    #[pin]
    reaper: Mutex<Option<KThread>>,
    /// What threads sleep on between polls (the keepalive thread, a
    /// connect waiting for a race's winner); woken at shutdown.
    #[pin]
    sleep_lock: Mutex<()>,
    #[pin]
    sleep_cv: CondVar,
    #[pin]
    table: Mutex<ConnTable>,
    #[pin]
    connecting: Mutex<()>,
    /// The NID being connected to (0: none), for the connection race rule.
    connecting_to: AtomicU64,
    #[pin]
    gets: Mutex<Gets>,
    #[pin]
    gets_cv: CondVar,
    /// The memory descriptors of the API's users.
    #[pin]
    pub(crate) mds: Mutex<MdTable>,
    /// The loopback's queue (`lolnd.rs`).
    #[pin]
    lo: TxQueue,
    /// The loopback thread.
    #[pin]
    lo_thread: Mutex<Option<KThread>>,
    /// The messages waiting for connections (`connd.rs`).
    #[pin]
    pub(crate) waiting: Mutex<Waiting>,
    /// Wakes the connection thread.
    #[pin]
    pub(crate) waiting_cv: CondVar,
    /// The connection thread.
    #[pin]
    connd_thread: Mutex<Option<KThread>>,
}

impl Lnet {
    /// Brings the networks of `config` up and starts the acceptor.
    pub(crate) fn start(config: Config, stats: Arc<Stats>) -> Result<Arc<Lnet>> {
        let nids = config.nids()?;
        // Wall-clock nanoseconds, as Linux: a restart gives a new one.
        let incarnation = real_time_ns();
        let mut locals = KVec::new();
        for nid in nids.iter().flatten() {
            locals.push(
                Local {
                    nid: nid.as_u64(),
                    pid: LNET_PID_LUSTRE,
                    incarnation,
                },
                GFP_KERNEL,
            )?;
        }
        let listener = match config.accept {
            Accept::None => None,
            Accept::Secure | Accept::All => {
                Some(Socket::listen(0, config.port, 127).inspect_err(|e| {
                    pr_err!("cannot listen on port {}: {e:?}\n", config.port);
                })?)
            }
        };
        let zc = Arc::pin_init(ZcTable::new(), GFP_KERNEL)?;
        let lnet = Arc::pin_init(
            pin_init!(Lnet {
                config,
                stats,
                zc,
                nids,
                locals,
                listener,
                stopping: AtomicBool::new(false),
                acceptor <- kernel::new_mutex!(None),
                reaper <- kernel::new_mutex!(None),
                sleep_lock <- kernel::new_mutex!(()),
                sleep_cv <- kernel::new_condvar!(),
                table <- kernel::new_mutex!(ConnTable::default()),
                connecting <- kernel::new_mutex!(()),
                connecting_to: AtomicU64::new(0),
                gets <- kernel::new_mutex!(Gets::default()),
                gets_cv <- kernel::new_condvar!(),
                mds <- kernel::new_mutex!(MdTable::default()),
                lo <- TxQueue::new(),
                lo_thread <- kernel::new_mutex!(None),
                waiting <- kernel::new_mutex!(Waiting::default()),
                waiting_cv <- kernel::new_condvar!(),
                connd_thread <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )?;
        let l = lnet.clone();
        let thread = KThread::spawn(c_str!("socknal_connd"), move || l.connd())?;
        *lnet.connd_thread.lock() = Some(thread);
        let l = lnet.clone();
        let thread = KThread::spawn(c_str!("lnet_lo"), move || l.lo_deliver(&l.lo))?;
        *lnet.lo_thread.lock() = Some(thread);
        if lnet.config.keepalive > 0 {
            let l = lnet.clone();
            let thread = KThread::spawn(c_str!("socknal_reaper"), move || l.keep_alive())?;
            *lnet.reaper.lock() = Some(thread);
        }
        if lnet.listener.is_some() {
            let l = lnet.clone();
            let thread = KThread::spawn(c_str!("lnet_acceptor"), move || acceptor::run(&l))?;
            *lnet.acceptor.lock() = Some(thread);
            pr_info!("accepting connections on port {}\n", lnet.config.port);
        }
        Ok(lnet)
    }

    /// This node's NIDs.
    pub(crate) fn nids(&self) -> impl Iterator<Item = Nid> + '_ {
        self.nids.iter().flatten().copied()
    }

    /// Who we are on each network.
    pub(crate) fn locals(&self) -> &[Local] {
        &self.locals
    }

    /// The counters.
    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Whether incoming connections must come from privileged ports.
    pub(crate) fn accept_secure(&self) -> bool {
        self.config.accept == Accept::Secure
    }

    /// The listening socket, while accepting.
    pub(crate) fn listener(&self) -> Option<&Socket> {
        self.listener.as_ref()
    }

    /// Whether LNet is shutting down.
    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// Stops the acceptor, closes every connection and joins every thread.
    pub(crate) fn shutdown(&self) {
        self.stopping.store(true, Ordering::Release);
        if let Some(l) = &self.listener {
            l.shutdown();
        }
        if let Some(thread) = self.acceptor.lock().take() {
            thread.join();
        }
        {
            let _guard = self.sleep_lock.lock();
            self.sleep_cv.notify_all();
        }
        if let Some(thread) = self.reaper.lock().take() {
            thread.join();
        }
        self.stop_connd();
        if let Some(thread) = self.connd_thread.lock().take() {
            thread.join();
        }
        let (live, dead) = {
            let mut table = self.table.lock();
            (core::mem::take(&mut table.conns), table.take_dead())
        };
        for e in live.values() {
            e.conn.close();
        }
        // Dropping the entries joins their threads.
        drop(live);
        drop(dead);
        // What is queued on the loopback is still delivered.
        self.lo.close();
        if let Some(thread) = self.lo_thread.lock().take() {
            thread.join();
        }
        // With no thread left to use them, the MDs give their last events.
        let mds = self.mds.lock().take_all();
        drop(mds);
    }

    /// The keepalive thread: every second, counts the idleness of every
    /// control connection, and sends a keepalive NOOP on those idle for
    /// `keepalive` seconds, until LNet stops.
    fn keep_alive(&self) {
        loop {
            {
                let mut guard = self.sleep_lock.lock();
                if self.is_stopping() {
                    return;
                }
                let _ = self
                    .sleep_cv
                    .wait_interruptible_timeout(&mut guard, msecs_to_jiffies(1000));
            }
            let mut conns = KVec::new();
            for e in self.table.lock().conns.values() {
                let (t, v) = (e.conn.info.conn_type, e.conn.info.version);
                // Keepalive NOOPs are V3's.
                if v == KSOCK_PROTO_V3
                    && matches!(t, ConnType::Control | ConnType::Any)
                    && conns.push(e.conn.clone(), GFP_KERNEL).is_err()
                {
                    break;
                }
            }
            for c in &conns {
                if c.tick() >= self.config.keepalive {
                    // A failure shows on the receiving side, which ends
                    // the connection.
                    c.send_keepalive();
                }
            }
        }
    }

    /// Registers an established connection and starts its receiving
    /// thread (which starts its sending thread).
    pub(crate) fn add_conn(self: &Arc<Self>, info: ConnInfo, sock: Socket) -> Result {
        let (idle, interval, count, user_timeout) = self.config.keepalive();
        sock.set_keepalive(idle, interval, count, user_timeout);
        let conn = Arc::pin_init(
            Conn::new(info, sock, self.stats.clone(), self.zc.clone()),
            GFP_KERNEL,
        )?;
        let dead = {
            let mut table = self.table.lock();
            if self.is_stopping() {
                return Err(errno::eshutdown());
            }
            table.close_stale(info.peer_nid, info.peer_incarnation);
            let id = table.next_id;
            table.next_id += 1;
            let entry = ConnEntry {
                conn: conn.clone(),
                thread: None,
            };
            table.conns.try_create_and_insert(id, entry, GFP_KERNEL)?;
            let (lnet, rx) = (self.clone(), conn);
            match KThread::spawn(c_str!("socknal_rx"), move || lnet.receive(id, &rx)) {
                Ok(t) => {
                    if let Some(e) = table.conns.get_mut(&id) {
                        e.thread = Some(t);
                    }
                }
                Err(e) => {
                    table.conns.remove(&id);
                    return Err(e);
                }
            }
            table.take_dead()
        };
        let ip = info.addr.0.to_be_bytes();
        pr_info!(
            "{} connected ({:?}, V{}, {}.{}.{}.{}:{})\n",
            NidFmt(info.peer_nid),
            info.conn_type,
            info.version,
            ip[0],
            ip[1],
            ip[2],
            ip[3],
            info.addr.1
        );
        // Joins the threads of connections that have ended.
        drop(dead);
        Ok(())
    }

    /// The receiving thread of connection `id`: starts the connection's
    /// sending thread, handles messages until the connection fails or is
    /// shut down, then closes it and joins the sending thread.
    fn receive(&self, id: u64, conn: &Arc<Conn>) {
        let c = conn.clone();
        let sender = KThread::spawn(c_str!("socknal_tx"), move || c.transmit());
        let err = match &sender {
            Ok(_) => loop {
                let res = conn.read_frame().and_then(|f| match f {
                    Frame::Noop => Ok(()),
                    Frame::Lnet { hdr, zc_cookie } => {
                        self.handle(&**conn, hdr)?;
                        if zc_cookie != 0 {
                            conn.send_zc_ack(zc_cookie);
                        }
                        Ok(())
                    }
                });
                if let Err(e) = res {
                    break e;
                }
            },
            Err(e) => *e,
        };
        if !self.is_stopping() {
            pr_info!(
                "{} ({:?}) disconnected ({err:?})\n",
                NidFmt(conn.info.peer_nid),
                conn.info.conn_type
            );
        }
        conn.close();
        drop(sender);
        self.table.lock().bury(id);
    }

    /// Handles one message that came on `rx`; an error closes a
    /// connection.
    pub(crate) fn handle(&self, rx: &impl Rx, hdr: LnetHdr) -> Result {
        let ends = rx.ends();
        if hdr.dest_nid != ends.local_nid {
            return Err(rx.malformed(format_args!(
                "message for {}, which is not ours",
                NidFmt(hdr.dest_nid)
            )));
        }
        if hdr.src_nid != ends.peer_nid {
            return Err(rx.malformed(format_args!(
                "message from {} on this connection",
                NidFmt(hdr.src_nid)
            )));
        }
        let len = hdr.payload_length as usize;
        self.stats.received(len);
        let src = (hdr.src_nid, hdr.src_pid);
        match hdr.msg {
            LnetMsg::Get {
                return_wmd,
                match_bits: LNET_PROTO_PING_MATCHBITS,
                ptl_index: LNET_RESERVED_PORTAL,
                src_offset,
                sink_length,
            } => self.answer_ping(rx, return_wmd, src_offset, sink_length)?,
            LnetMsg::Reply { dst_wmd } if dst_wmd.interface_cookie == PING_COOKIE => {
                self.deliver_reply(rx, dst_wmd, len)?
            }
            LnetMsg::Hello { .. } => return Err(rx.malformed("HELLO after the handshake")),
            LnetMsg::Put {
                ack_wmd,
                match_bits,
                hdr_data,
                ptl_index,
                offset,
            } => self.recv_put(
                rx, src, ack_wmd, match_bits, hdr_data, ptl_index, offset, len,
            )?,
            LnetMsg::Get {
                return_wmd,
                match_bits,
                ptl_index,
                src_offset,
                sink_length,
            } => self.recv_get(
                rx,
                src,
                return_wmd,
                match_bits,
                ptl_index,
                src_offset,
                sink_length,
            )?,
            LnetMsg::Reply { dst_wmd } => self.recv_reply(rx, src, dst_wmd, len)?,
            LnetMsg::Ack {
                dst_wmd,
                match_bits,
                mlength,
            } => self.recv_ack(src, dst_wmd, match_bits, mlength),
        }
        Ok(())
    }

    /// Answers a ping GET with our `lnet_ping_info`, on the connection it
    /// came on.
    fn answer_ping(
        &self,
        link: &impl Link,
        return_wmd: WireHandle,
        src_offset: u32,
        sink_length: u32,
    ) -> Result {
        let mut nids = [Nid::LO; LNET_IOC_MAX_NIDS];
        let mut n = 0;
        for (slot, nid) in nids.iter_mut().zip(self.nids()) {
            *slot = nid;
            n += 1;
        }
        let mut info = [0u8; PING_REPLY_MAX];
        let size = encode_ping_info(LNET_PID_LUSTRE, &nids[..n], &mut info).map_err(|_| EINVAL)?;
        let data = get_slice(&info[..size], src_offset, sink_length);
        let mut payload = KVec::with_capacity(data.len(), GFP_KERNEL)?;
        payload.extend_from_slice(data, GFP_KERNEL)?;
        let hdr = self.hdr_to(
            link.ends(),
            LnetMsg::Reply {
                dst_wmd: return_wmd,
            },
            data.len(),
        )?;
        link.post(Tx::lnet(&hdr, Payload::Buf(payload), None)?);
        Ok(())
    }

    /// Reads the payload of a REPLY and hands it to the GET waiting for it.
    fn deliver_reply(&self, rx: &impl Rx, dst_wmd: WireHandle, len: usize) -> Result {
        let cookie = dst_wmd.object_cookie;
        let waited = matches!(self.gets.lock().replies.get(&cookie), Some(None));
        if !waited || len > PING_REPLY_MAX {
            // A GET that gave up, or a reply larger than any we ask for.
            return rx.skip(len);
        }
        let mut payload = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        rx.recv(&mut payload)?;
        let mut gets = self.gets.lock();
        if let Some(slot) = gets.replies.get_mut(&cookie) {
            *slot = Some(payload);
            self.gets_cv.notify_all();
        }
        Ok(())
    }

    /// Pings `nid`, waiting at most `timeout_ms` for the answer.
    ///
    /// # Errors
    /// `ETIMEDOUT`, `EINTR`, `EHOSTUNREACH` for a NID on none of our
    /// networks, `EPROTO` for a bad answer, connection errors.
    pub(crate) fn ping(self: &Arc<Self>, nid: Nid, timeout_ms: u32) -> Result<PingResult> {
        let cookie = {
            let mut gets = self.gets.lock();
            let cookie = gets.next_cookie;
            gets.next_cookie += 1;
            gets.replies
                .try_create_and_insert(cookie, None, GFP_KERNEL)?;
            cookie
        };
        let get = LnetMsg::Get {
            return_wmd: WireHandle {
                interface_cookie: PING_COOKIE,
                object_cookie: cookie,
            },
            match_bits: LNET_PROTO_PING_MATCHBITS,
            ptl_index: LNET_RESERVED_PORTAL,
            src_offset: 0,
            // A small constant.
            sink_length: PING_REPLY_MAX as u32,
        };
        let sent = self.send(nid.as_u64(), get);
        let mut gets = self.gets.lock();
        let mut left = msecs_to_jiffies(timeout_ms);
        let mut res = sent;
        while res.is_ok() && matches!(gets.replies.get(&cookie), Some(None)) {
            res = match self.gets_cv.wait_interruptible_timeout(&mut gets, left) {
                CondVarTimeoutResult::Timeout => Err(errno::etimedout()),
                CondVarTimeoutResult::Signal { .. } => Err(EINTR),
                CondVarTimeoutResult::Woken { jiffies } => {
                    left = jiffies;
                    Ok(())
                }
            };
        }
        let reply = gets.replies.remove(&cookie).flatten();
        drop(gets);
        res?;
        let payload = reply.ok_or(errno::etimedout())?;
        let info = PingInfo::decode(&payload).map_err(|e| {
            warn_ratelimited(format_args!("{nid}: malformed ping reply: {e}"));
            errno::eproto()
        })?;
        let mut result = PingResult {
            pid: info.pid,
            features: info.features,
            nis: [(0, 0); LNET_IOC_MAX_NIDS],
            count: 0,
        };
        for (i, slot) in result.nis.iter_mut().enumerate().take(info.nnis()) {
            let ni = info.ni(i).map_err(|_| errno::eproto())?;
            *slot = (ni.nid, ni.status);
            result.count += 1;
        }
        Ok(result)
    }

    /// Queues an LNet message without payload to `nid`, connecting first
    /// if needed: a ping waits for its answer anyway, and a peer it cannot
    /// reach fails it at once.
    fn send(self: &Arc<Self>, nid: u64, msg: LnetMsg) -> Result {
        let route = if self.is_local(nid) {
            Route::Lo(LoLink::new(&self.lo, nid))
        } else {
            Route::Conn(self.conn_to(nid, 0)?)
        };
        let hdr = self.hdr_to(route.ends(), msg, 0)?;
        route.post(Tx::lnet(&hdr, Payload::None, None)?);
        Ok(())
    }

    /// Whether `nid` is `0@lo` or one of ours: the loopback's.
    fn is_local(&self, nid: u64) -> bool {
        nid == Nid::LO.as_u64() || self.nids().any(|n| n.as_u64() == nid)
    }

    /// The way to `nid` for a message of `len` bytes of payload: the
    /// loopback for `0@lo` and our own NIDs, else a connection, else the
    /// connection thread, which connects while the message waits.
    ///
    /// # Errors
    /// `EHOSTUNREACH` for a NID on none of our networks.
    pub(crate) fn route(&self, nid: u64, len: usize) -> Result<Route<'_>> {
        if self.is_local(nid) {
            return Ok(Route::Lo(LoLink::new(&self.lo, nid)));
        }
        if let Some(conn) = self.connected(nid, len) {
            return Ok(Route::Conn(conn));
        }
        let ends = Ends {
            local_nid: self.local_for(nid)?.nid,
            peer_nid: nid,
            peer_pid: LNET_PID_LUSTRE,
        };
        Ok(Route::Peer(PeerLink::new(self, ends)))
    }

    /// The connection for a message of `len` bytes of payload to `nid`, if
    /// it has connections.
    pub(crate) fn connected(&self, nid: u64, len: usize) -> Option<Arc<Conn>> {
        self.table.lock().pick(nid, LNET_HDR_SIZE + len)
    }

    /// Who we are on the network of `nid`.
    fn local_for(&self, nid: u64) -> Result<&Local> {
        let peer = Nid::from_u64(nid).map_err(|_| EINVAL)?;
        self.locals
            .iter()
            .find(|l| Nid::from_u64(l.nid).is_ok_and(|n| n.net() == peer.net()))
            .ok_or(errno::ehostunreach())
    }

    /// The connection for a message of `len` bytes of payload to `nid`,
    /// connecting first if there is none.
    fn conn_to(self: &Arc<Self>, nid: u64, len: usize) -> Result<Arc<Conn>> {
        // Not in a match: the table's guard would live through connect().
        if let Some(c) = self.connected(nid, len) {
            return Ok(c);
        }
        self.connect(nid)?;
        self.connected(nid, len).ok_or(errno::econnreset())
    }

    /// The header of a message to the peer of `ends` with `len` bytes of
    /// payload.
    pub(crate) fn hdr_to(&self, ends: Ends, msg: LnetMsg, len: usize) -> Result<LnetHdr> {
        Ok(LnetHdr {
            dest_nid: ends.peer_nid,
            src_nid: ends.local_nid,
            dest_pid: ends.peer_pid,
            src_pid: LNET_PID_LUSTRE,
            payload_length: u32::try_from(len).map_err(|_| errno::emsgsize())?,
            msg,
        })
    }

    /// Whether we are connecting to `nid` now (the connection race rule).
    pub(crate) fn connecting_to(&self, nid: u64) -> bool {
        nid != 0 && self.connecting_to.load(Ordering::Acquire) == nid
    }

    /// Opens the three typed connections of socklnd V3 to `nid`, as Lustre
    /// does: control, bulk in, bulk out. When `nid` is connecting to us at
    /// the same time and wins the race (it answers "retry"), its
    /// connections are waited for instead.
    pub(crate) fn connect(self: &Arc<Self>, nid: u64) -> Result {
        let _connecting = self.connecting.lock();
        if self.connected(nid, 0).is_some() {
            return Ok(());
        }
        let local = self.local_for(nid)?;
        self.connecting_to.store(nid, Ordering::Release);
        let res = self.connect_types(local, nid);
        self.connecting_to.store(0, Ordering::Release);
        res
    }

    fn connect_types(self: &Arc<Self>, local: &Local, nid: u64) -> Result {
        let mut version = KSOCK_PROTO_V3;
        for t in [ConnType::Control, ConnType::BulkIn, ConnType::BulkOut] {
            let mut made = socklnd::connect(local, nid, self.config.port, (t, version));
            if matches!(&made, Err(e) if *e == errno::eprotonosupport()) {
                // An older peer: V2 from now on.
                pr_info!("{}: speaks socklnd V2 only\n", NidFmt(nid));
                version = KSOCK_PROTO_V2;
                made = socklnd::connect(local, nid, self.config.port, (t, version));
            }
            match made {
                Ok((info, sock)) => self.add_conn(info, sock)?,
                Err(e) if e == errno::ealready() => return self.wait_for_peer(nid),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Waits (a handshake timeout at most) for the connections of `nid`,
    /// which won a connection race, to be up.
    fn wait_for_peer(&self, nid: u64) -> Result {
        let mut left = socklnd::HANDSHAKE_TIMEOUT_MS / RACE_POLL_MS;
        loop {
            if self.connected(nid, 0).is_some() {
                return Ok(());
            }
            let mut guard = self.sleep_lock.lock();
            if left == 0 || self.is_stopping() {
                return Err(errno::etimedout());
            }
            left -= 1;
            let slept = self
                .sleep_cv
                .wait_interruptible_timeout(&mut guard, msecs_to_jiffies(RACE_POLL_MS));
            if let CondVarTimeoutResult::Signal { .. } = slept {
                return Err(EINTR);
            }
        }
    }
}
