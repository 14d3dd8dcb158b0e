//! A minimal pcap writer: TCP connections between two IPv4 hosts as
//! Ethernet frames, with the handshake, consistent sequence numbers and
//! segments of at most one Ethernet MSS, for decoders that reassemble TCP.

use std::collections::HashMap;

/// The largest TCP payload of a segment (Ethernet MTU 1500).
const MSS: usize = 1448;
const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PSH: u8 = 0x08;
const FIN: u8 = 0x01;

/// The state of one TCP connection: the next sequence number each side
/// sends.
struct Tcp {
    client_seq: u32,
    server_seq: u32,
}

/// A capture being written.
pub struct Pcap {
    out: Vec<u8>,
    usec: u32,
    client: [u8; 4],
    server: [u8; 4],
    server_port: u16,
    conns: HashMap<u16, Tcp>,
}

/// The ones' complement sum of the IPv4 header.
fn ip_checksum(hdr: &[u8]) -> u16 {
    let mut sum: u32 = hdr
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

impl Pcap {
    /// A capture of connections from `client` to `server:server_port`.
    pub fn new(client: [u8; 4], server: [u8; 4], server_port: u16) -> Self {
        let mut out = Vec::new();
        // Global header: magic, version 2.4, zone, accuracy, snaplen,
        // LINKTYPE_ETHERNET.
        out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        out.extend_from_slice(&2u16.to_le_bytes());
        out.extend_from_slice(&4u16.to_le_bytes());
        for v in [0u32, 0, 65535, 1] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        Pcap {
            out,
            usec: 0,
            client,
            server,
            server_port,
            conns: HashMap::new(),
        }
    }

    /// Writes one segment of connection `port`.
    fn segment(&mut self, port: u16, from_client: bool, flags: u8, payload: &[u8]) {
        let tcp = self.conns.get_mut(&port).expect("connection opened");
        let (seq, ack) = if from_client {
            (tcp.client_seq, tcp.server_seq)
        } else {
            (tcp.server_seq, tcp.client_seq)
        };
        let len = payload.len() as u32 + u32::from(flags & (SYN | FIN) != 0);
        if from_client {
            tcp.client_seq = tcp.client_seq.wrapping_add(len);
        } else {
            tcp.server_seq = tcp.server_seq.wrapping_add(len);
        }
        let (src, dst, sport, dport) = if from_client {
            (self.client, self.server, port, self.server_port)
        } else {
            (self.server, self.client, self.server_port, port)
        };
        let mut f = Vec::with_capacity(54 + payload.len());
        // Ethernet: locally administered MACs, IPv4.
        f.extend_from_slice(&[2, 0, 0, 0, 0, dst[3], 2, 0, 0, 0, 0, src[3], 0x08, 0x00]);
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&(40 + payload.len() as u16).to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        ip.extend_from_slice(&src);
        ip.extend_from_slice(&dst);
        let sum = ip_checksum(&ip);
        ip[10..12].copy_from_slice(&sum.to_be_bytes());
        f.extend_from_slice(&ip);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes());
        let ack = if flags & ACK != 0 { ack } else { 0 };
        f.extend_from_slice(&ack.to_be_bytes());
        // Data offset 5 words; the window; no checksum (not verified by
        // default); no urgent pointer.
        f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend_from_slice(payload);

        self.usec += 100;
        for v in [0, self.usec, f.len() as u32, f.len() as u32] {
            self.out.extend_from_slice(&v.to_le_bytes());
        }
        self.out.extend_from_slice(&f);
    }

    /// Sends `data` on connection `port` (from the client, or to it),
    /// opening the connection first if needed.
    pub fn send(&mut self, port: u16, from_client: bool, data: &[u8]) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.conns.entry(port) {
            e.insert(Tcp {
                client_seq: 1000 * u32::from(port),
                server_seq: 7000 * u32::from(port),
            });
            self.segment(port, true, SYN, &[]);
            self.segment(port, false, SYN | ACK, &[]);
            self.segment(port, true, ACK, &[]);
        }
        for chunk in data.chunks(MSS) {
            self.segment(port, from_client, PSH | ACK, chunk);
        }
    }

    /// Closes every connection and returns the capture.
    pub fn finish(mut self) -> Vec<u8> {
        let mut ports: Vec<u16> = self.conns.keys().copied().collect();
        ports.sort_unstable();
        for port in ports {
            self.segment(port, true, FIN | ACK, &[]);
            self.segment(port, false, FIN | ACK, &[]);
            self.segment(port, true, ACK, &[]);
        }
        self.out
    }
}
