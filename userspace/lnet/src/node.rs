//! An LNet node: its NID, its acceptor, its connections, and the messages
//! LNet itself handles (pings).

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use socket2::{Domain, Protocol, Socket, Type};
use wire::lnet::hdr::{LnetHdr, LnetMsg, WireHandle};
use wire::lnet::ping::{encode_ping_info, ping_info_size, PingInfo};
use wire::lnet::{get_slice, LNET_PID_LUSTRE, LNET_PROTO_PING_MATCHBITS, LNET_RESERVED_PORTAL};
use wire::nid::Nid;
use wire::socklnd::handshake::Local;
use wire::socklnd::hello::ConnType;

use crate::acceptor::{self, MAX_RESERVED_PORT};
use crate::conn::{self, fmt_nid, Conn, Frame, HANDSHAKE_TIMEOUT};
use crate::peer::Peers;
use crate::portal::{IncomingPut, Portal, ProcessId};
use crate::Error;

/// The lowest privileged port an outgoing connection binds
/// (`LNET_ACCEPTOR_MIN_RESERVED_PORT`).
const MIN_RESERVED_PORT: u16 = 512;

/// Which incoming connections the acceptor takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptMode {
    /// Only from privileged source ports (Lustre's default, `accept=secure`).
    Secure,
    /// From any port (`accept=all`).
    All,
}

/// The local port of outgoing connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourcePort {
    /// A free privileged port, 1023 down to 512, as Lustre binds (needs
    /// root or `CAP_NET_BIND_SERVICE`).
    Reserved,
    /// The first free port from this one up (one per connection).
    From(u16),
    /// Any port the system picks (a peer with `accept=secure` refuses it).
    Any,
}

/// How a node is set up.
#[derive(Clone, Debug)]
pub struct Config {
    /// The node's NID.
    pub nid: Nid,
    /// Where the acceptor listens; `None` for no acceptor.
    pub listen: Option<SocketAddr>,
    /// Which incoming connections it takes.
    pub accept: AcceptMode,
    /// The port peers listen on.
    pub peer_port: u16,
    /// The local port of outgoing connections.
    pub source_port: SourcePort,
    /// The latest socklnd protocol version spoken (3; 2 plays an older
    /// peer).
    pub socklnd_version: u32,
}

impl Config {
    /// The defaults of a Lustre node with NID `nid`: listen on 0.0.0.0:988,
    /// accept privileged ports only, connect from privileged ports.
    pub fn new(nid: Nid) -> Self {
        Config {
            nid,
            listen: Some(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 988))),
            accept: AcceptMode::Secure,
            peer_port: 988,
            source_port: SourcePort::Reserved,
            socklnd_version: wire::socklnd::hello::KSOCK_PROTO_V3,
        }
    }
}

/// A peer's answer to a ping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PingReply {
    /// The peer's PID.
    pub pid: u32,
    /// Its feature bits.
    pub features: u32,
    /// Its interfaces: NID (`lnet_nid_t`) and status.
    pub nis: Vec<(u64, u32)>,
}

/// A running LNet node; clones share it. Dropping it does not stop it:
/// call [`Node::shutdown`].
#[derive(Clone)]
pub struct Node {
    inner: Arc<Inner>,
}

/// What the node's threads share.
pub(crate) struct Inner {
    pub config: Config,
    pub local: Local,
    peers: Peers,
    /// Outstanding GETs, by the object cookie of their return handle.
    gets: Mutex<HashMap<u64, mpsc::Sender<Vec<u8>>>>,
    /// PUTs waiting for their ACK (the bytes the peer took), by the
    /// object cookie of their ACK handle.
    acks: Mutex<HashMap<u64, mpsc::Sender<u32>>>,
    next_cookie: AtomicU64,
    /// Serialises connection set-up, so that a peer gets one set.
    connecting: Mutex<()>,
    /// The services on portals.
    portals: std::sync::RwLock<HashMap<u32, Arc<dyn Portal>>>,
    stopping: AtomicBool,
    listen_addr: Option<SocketAddr>,
    listener: Mutex<Option<Socket>>,
}

/// Writes one line to the log (standard error).
pub(crate) fn log(args: fmt::Arguments<'_>) {
    eprintln!("lnet: {args}");
}

impl Node {
    /// Starts a node: binds its acceptor (if any) and starts accepting.
    ///
    /// # Errors
    /// The error of binding the listening socket.
    pub fn start(config: Config) -> Result<Node, Error> {
        let incarnation = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let listener = match config.listen {
            Some(addr) => {
                let sock = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
                sock.set_reuse_address(true)?;
                sock.bind(&addr.into())?;
                sock.listen(127)?;
                Some(sock)
            }
            None => None,
        };
        let listen_addr = match &listener {
            Some(s) => s.local_addr()?.as_socket(),
            None => None,
        };
        let inner = Arc::new(Inner {
            local: Local {
                nid: config.nid.as_u64(),
                pid: LNET_PID_LUSTRE,
                incarnation,
            },
            config,
            peers: Peers::default(),
            gets: Mutex::new(HashMap::new()),
            acks: Mutex::new(HashMap::new()),
            next_cookie: AtomicU64::new(1),
            connecting: Mutex::new(()),
            portals: std::sync::RwLock::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            listen_addr,
            listener: Mutex::new(None),
        });
        if let Some(sock) = listener {
            let l: TcpListener = sock.try_clone()?.into();
            *inner.listener.lock().unwrap_or_else(|e| e.into_inner()) = Some(sock);
            let node = inner.clone();
            thread::spawn(move || acceptor::run(node, l));
        }
        Ok(Node { inner })
    }

    /// The node's NID.
    pub fn nid(&self) -> Nid {
        self.inner.config.nid
    }

    /// Where the acceptor listens.
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.inner.listen_addr
    }

    /// Pings `nid`: an LNet GET on the reserved portal, whose REPLY is the
    /// peer's `lnet_ping_info`.
    ///
    /// # Errors
    /// [`Error::Timeout`] without an answer within `timeout`; connection
    /// and protocol errors.
    pub fn ping(&self, nid: Nid, timeout: Duration) -> Result<PingReply, Error> {
        let peer = ProcessId {
            nid: nid.as_u64(),
            pid: LNET_PID_LUSTRE,
        };
        let length = ping_info_size(wire::lnet::ctl::LNET_IOC_MAX_NIDS) as u32;
        let payload = self.get(
            peer,
            LNET_RESERVED_PORTAL,
            LNET_PROTO_PING_MATCHBITS,
            0,
            length,
            timeout,
        )?;
        let info = PingInfo::decode(&payload)?;
        let nis = (0..info.nnis())
            .map(|i| info.ni(i).map(|n| (n.nid, n.status)))
            .collect::<Result<_, _>>()?;
        Ok(PingReply {
            pid: info.pid,
            features: info.features,
            nis,
        })
    }

    /// PUTs `payload` to `portal` of `target` with `match_bits`, at
    /// `offset` in the buffer it matches, asking for no ACK; connects
    /// first if needed.
    ///
    /// # Errors
    /// Connection errors; a payload over `LNET_MTU`.
    pub fn put(
        &self,
        target: ProcessId,
        portal: u32,
        match_bits: u64,
        offset: u32,
        payload: &[u8],
    ) -> Result<(), Error> {
        let put = LnetMsg::Put {
            ack_wmd: WireHandle::NONE,
            match_bits,
            hdr_data: 0,
            ptl_index: portal,
            offset,
        };
        self.inner.send(target.nid, target.pid, put, payload)
    }

    /// PUTs `payload` as [`Node::put`] does, asking for an ACK, and waits
    /// for it: returns the bytes the target took (as bulk senders do, so
    /// that the data is in place before the reply that announces it).
    ///
    /// # Errors
    /// [`Error::Timeout`] without an ACK within `timeout` (the target had
    /// no buffer for it); connection errors.
    pub fn put_acked(
        &self,
        target: ProcessId,
        (portal, match_bits): (u32, u64),
        payload: &[u8],
        timeout: Duration,
    ) -> Result<u32, Error> {
        let cookie = self.inner.next_cookie.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        let acks = || self.inner.acks.lock().unwrap_or_else(|e| e.into_inner());
        acks().insert(cookie, tx);
        let put = LnetMsg::Put {
            ack_wmd: WireHandle {
                interface_cookie: self.inner.local.incarnation,
                object_cookie: cookie,
            },
            match_bits,
            hdr_data: 0,
            ptl_index: portal,
            offset: 0,
        };
        let sent = self.inner.send(target.nid, target.pid, put, payload);
        let got = sent.and_then(|()| rx.recv_timeout(timeout).map_err(|_| Error::Timeout));
        acks().remove(&cookie);
        got
    }

    /// GETs `length` bytes at `offset` of the buffer that `match_bits`
    /// matches on `portal` of `target`, and waits for the REPLY.
    ///
    /// # Errors
    /// [`Error::Timeout`] without a REPLY within `timeout`; connection
    /// errors.
    pub fn get(
        &self,
        target: ProcessId,
        portal: u32,
        match_bits: u64,
        offset: u32,
        length: u32,
        timeout: Duration,
    ) -> Result<Vec<u8>, Error> {
        let cookie = self.inner.next_cookie.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        self.inner.gets_lock().insert(cookie, tx);
        let get = LnetMsg::Get {
            return_wmd: WireHandle {
                interface_cookie: self.inner.local.incarnation,
                object_cookie: cookie,
            },
            match_bits,
            ptl_index: portal,
            src_offset: offset,
            sink_length: length,
        };
        let sent = self.inner.send(target.nid, target.pid, get, &[]);
        let got = sent.and_then(|()| rx.recv_timeout(timeout).map_err(|_| Error::Timeout));
        self.inner.gets_lock().remove(&cookie);
        got
    }

    /// Attaches `service` to `portal`, in place of what was there.
    pub fn attach_portal(&self, portal: u32, service: Arc<dyn Portal>) {
        self.inner
            .portals
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(portal, service);
    }

    /// The service on `portal`, attaching the one `make` makes first if
    /// there is none (several users of a portal share its service).
    pub fn attach_portal_once(
        &self,
        portal: u32,
        make: impl FnOnce() -> Arc<dyn Portal>,
    ) -> Arc<dyn Portal> {
        self.inner
            .portals
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(portal)
            .or_insert_with(make)
            .clone()
    }

    /// Closes every connection with `nid` (it may connect again).
    pub fn close_peer(&self, nid: Nid) {
        for c in self.inner.peers.take(nid.as_u64()) {
            log(format_args!(
                "{}: closing its connections",
                fmt_nid(c.peer_nid)
            ));
            c.close();
        }
    }

    /// Closes every connection (peers may connect again).
    pub fn close_all(&self) {
        for c in self.inner.peers.take_all() {
            c.close();
        }
    }

    /// Stops accepting and closes every connection.
    pub fn shutdown(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
        if let Some(l) = self
            .inner
            .listener
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            // Wakes the acceptor's accept() with an error.
            let _ = l.shutdown(Shutdown::Both);
        }
        for c in self.inner.peers.take_all() {
            c.close();
        }
    }
}

impl Inner {
    pub fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn gets_lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, mpsc::Sender<Vec<u8>>>> {
        self.gets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers an established connection and starts its receiver.
    pub fn start_conn(self: &Arc<Self>, c: Conn, stream: TcpStream) {
        log(format_args!(
            "{} connected ({:?}, {}:{})",
            fmt_nid(c.peer_nid),
            c.conn_type,
            c.addr.ip(),
            c.addr.port()
        ));
        let c = Arc::new(c);
        for stale in self.peers.add(c.clone()) {
            log(format_args!(
                "{} restarted: closing its old connections",
                fmt_nid(stale.peer_nid)
            ));
            stale.close();
        }
        let node = self.clone();
        thread::spawn(move || node.receive(&c, stream));
    }

    /// Receives and handles messages on `c` until it ends.
    fn receive(self: &Arc<Self>, c: &Arc<Conn>, mut stream: TcpStream) {
        let end = loop {
            let frame = match conn::read_frame(&mut stream, c.order) {
                Ok(f) => f,
                Err(Error::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    break "closed".to_string()
                }
                Err(e) => break e.to_string(),
            };
            if let Err(e) = self.handle(c, frame) {
                break e.to_string();
            }
        };
        if !self.is_stopping() {
            log(format_args!(
                "{} ({:?}) disconnected: {end}",
                fmt_nid(c.peer_nid),
                c.conn_type
            ));
        }
        self.peers.remove(c);
        c.close();
    }

    /// Handles one message; an error closes the connection.
    fn handle(&self, c: &Conn, frame: Frame) -> Result<(), Error> {
        let Frame::Lnet {
            hdr,
            payload,
            zc_cookie,
        } = frame
        else {
            return Ok(());
        };
        if hdr.dest_nid != self.local.nid {
            return Err(Error::Protocol(format!(
                "message for {}, which is not ours",
                fmt_nid(hdr.dest_nid)
            )));
        }
        if hdr.src_nid != c.peer_nid {
            return Err(Error::Protocol(format!(
                "message from {} on a connection of {}",
                fmt_nid(hdr.src_nid),
                fmt_nid(c.peer_nid)
            )));
        }
        if zc_cookie != 0 {
            c.send_zc_ack(zc_cookie)?;
        }
        match hdr.msg {
            LnetMsg::Get {
                return_wmd,
                match_bits: LNET_PROTO_PING_MATCHBITS,
                ptl_index: LNET_RESERVED_PORTAL,
                src_offset,
                sink_length,
            } => self.answer_ping(c, return_wmd, src_offset, sink_length),
            LnetMsg::Reply { dst_wmd } => {
                if let Some(tx) = self.gets_lock().remove(&dst_wmd.object_cookie) {
                    // The pinger may have given up already.
                    let _ = tx.send(payload);
                }
                Ok(())
            }
            LnetMsg::Hello { .. } => Err(Error::Protocol("HELLO after the handshake".into())),
            LnetMsg::Ack {
                dst_wmd, mlength, ..
            } => {
                let waiter = self
                    .acks
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&dst_wmd.object_cookie);
                if let Some(tx) = waiter {
                    // The sender may have given up already.
                    let _ = tx.send(mlength);
                }
                Ok(())
            }
            LnetMsg::Put {
                ack_wmd,
                match_bits,
                hdr_data,
                ptl_index,
                offset,
            } => {
                let src = ProcessId {
                    nid: hdr.src_nid,
                    pid: hdr.src_pid,
                };
                let put = IncomingPut {
                    src,
                    match_bits,
                    hdr_data,
                    offset,
                    payload,
                };
                let taken = self.portal(ptl_index, src).and_then(|p| p.put(put));
                match taken {
                    Some(mlength) if ack_wmd != WireHandle::NONE => {
                        let ack = LnetMsg::Ack {
                            dst_wmd: ack_wmd,
                            match_bits,
                            mlength,
                        };
                        c.send_lnet(&self.hdr_to(c, ack, 0), &[])
                    }
                    _ => Ok(()),
                }
            }
            LnetMsg::Get {
                return_wmd,
                match_bits,
                ptl_index,
                src_offset,
                sink_length,
            } => {
                let src = ProcessId {
                    nid: hdr.src_nid,
                    pid: hdr.src_pid,
                };
                let data = self
                    .portal(ptl_index, src)
                    .and_then(|p| p.get(src, match_bits, src_offset, sink_length));
                match data {
                    Some(data) => {
                        let reply = LnetMsg::Reply {
                            dst_wmd: return_wmd,
                        };
                        c.send_lnet(&self.hdr_to(c, reply, data.len()), &data)
                    }
                    None => Ok(()),
                }
            }
        }
    }

    /// The service on `portal`, or `None` (and a log line) without one.
    fn portal(&self, portal: u32, src: ProcessId) -> Option<Arc<dyn Portal>> {
        let found = self
            .portals
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&portal)
            .cloned();
        if found.is_none() {
            log(format_args!(
                "{}: dropping a message to portal {portal}, which nothing listens on",
                fmt_nid(src.nid)
            ));
        }
        found
    }

    /// The header of a message to the peer of `c` with `len` bytes of
    /// payload (at most LNET_MTU, so it fits the header's u32).
    fn hdr_to(&self, c: &Conn, msg: LnetMsg, len: usize) -> LnetHdr {
        LnetHdr {
            dest_nid: c.peer_nid,
            src_nid: self.local.nid,
            dest_pid: c.peer_pid,
            src_pid: self.local.pid,
            payload_length: len as u32,
            msg,
        }
    }

    /// Answers a ping GET with our `lnet_ping_info`, on the connection it
    /// came on (a userspace peer cannot be connected back to).
    fn answer_ping(
        &self,
        c: &Conn,
        return_wmd: WireHandle,
        src_offset: u32,
        sink_length: u32,
    ) -> Result<(), Error> {
        let mut info = [0u8; 64];
        let n = encode_ping_info(LNET_PID_LUSTRE, &[self.config.nid], &mut info)?;
        let data = get_slice(&info[..n], src_offset, sink_length);
        let hdr = self.hdr_to(
            c,
            LnetMsg::Reply {
                dst_wmd: return_wmd,
            },
            data.len(),
        );
        c.send_lnet(&hdr, data)
    }

    /// Sends an LNet message to `nid`, connecting first if needed.
    fn send(
        self: &Arc<Self>,
        nid: u64,
        pid: u32,
        msg: LnetMsg,
        payload: &[u8],
    ) -> Result<(), Error> {
        let hdr = LnetHdr {
            dest_nid: nid,
            src_nid: self.local.nid,
            dest_pid: pid,
            src_pid: self.local.pid,
            payload_length: u32::try_from(payload.len())
                .map_err(|_| Error::Protocol("payload over 4 GiB".into()))?,
            msg,
        };
        let size = wire::lnet::hdr::LNET_HDR_SIZE + payload.len();
        // A connection the peer has closed, which the receiving thread has
        // not noticed yet, fails the send: then the peer's connections are
        // closed and made again, once.
        if let Some(c) = self.peers.pick(nid, size) {
            match c.send_lnet(&hdr, payload) {
                Err(Error::Io(e)) => {
                    log(format_args!(
                        "{}: send failed ({e}), connecting again",
                        fmt_nid(nid)
                    ));
                    for stale in self.peers.take(nid) {
                        stale.close();
                    }
                }
                done => return done,
            }
        }
        self.connect(nid)?;
        self.peers
            .pick(nid, size)
            .ok_or_else(|| Error::Protocol("no connection after connecting".into()))?
            .send_lnet(&hdr, payload)
    }

    /// Opens the three typed connections of socklnd V3 to `nid`, as a
    /// Lustre node does: control, bulk in, bulk out.
    fn connect(self: &Arc<Self>, nid: u64) -> Result<(), Error> {
        let _serialised = self.connecting.lock().unwrap_or_else(|e| e.into_inner());
        if self.peers.pick(nid, 0).is_some() {
            return Ok(());
        }
        let peer = Nid::from_u64(nid).map_err(|e| Error::Protocol(e.to_string()))?;
        let addr = SocketAddr::V4(SocketAddrV4::new(
            Ipv4Addr::from(peer.addr()),
            self.config.peer_port,
        ));
        for t in [ConnType::Control, ConnType::BulkIn, ConnType::BulkOut] {
            let mut stream = connect_from(addr, self.config.source_port)?;
            let version = self.config.socklnd_version;
            let c = conn::connect(&mut stream, &self.local, nid, LNET_PID_LUSTRE, (t, version))?;
            self.start_conn(c, stream);
        }
        Ok(())
    }
}

/// Connects to `addr` from the local port that `source` asks for.
pub fn connect_from(addr: SocketAddr, source: SourcePort) -> Result<TcpStream, Error> {
    let ports: Vec<u16> = match source {
        SourcePort::Reserved => (MIN_RESERVED_PORT..=MAX_RESERVED_PORT).rev().collect(),
        SourcePort::From(p) => (p..=u16::MAX).collect(),
        SourcePort::Any => return Ok(TcpStream::connect_timeout(&addr, HANDSHAKE_TIMEOUT)?),
    };
    for port in ports {
        let sock = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
        sock.set_reuse_address(true)?;
        let local = SocketAddr::from((Ipv4Addr::UNSPECIFIED, port));
        let res = sock
            .bind(&local.into())
            .and_then(|()| sock.connect_timeout(&addr.into(), HANDSHAKE_TIMEOUT));
        match res {
            Ok(()) => return Ok(sock.into()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::AddrInUse | io::ErrorKind::AddrNotAvailable
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Io(io::Error::new(
        io::ErrorKind::AddrInUse,
        "no free local port to connect from",
    )))
}

impl std::str::FromStr for AcceptMode {
    type Err = String;

    /// Parses `secure` or `all`, the values of Lustre's `accept` parameter.
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "secure" => Ok(AcceptMode::Secure),
            "all" => Ok(AcceptMode::All),
            _ => Err(format!("'{s}': expected 'secure' or 'all'")),
        }
    }
}

impl std::str::FromStr for SourcePort {
    type Err = String;

    /// Parses `reserved`, `any` or a port number (the first to try).
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "reserved" => Ok(SourcePort::Reserved),
            "any" => Ok(SourcePort::Any),
            _ => s
                .parse()
                .map(SourcePort::From)
                .map_err(|_| format!("'{s}': expected 'reserved', 'any' or a port")),
        }
    }
}
