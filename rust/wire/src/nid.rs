//! An LNet NID names one network interface of a node: an address on a
//! network, written `192.168.1.10@tcp`, `10.0.0.1@tcp1` or `0@lo`.
//!
//! On the wire (outside the large-NID forms of socklnd V4) a NID is the
//! 64-bit `lnet_nid_t`: the network in the upper 32 bits, the address in the
//! lower 32. A network is the LND type in bits 16..23 and the network number
//! in bits 0..15, so `192.168.1.1@tcp` is `0x0002_0000_c0a8_0101`.

use core::fmt;
use core::str::FromStr;

/// A low-level network driver (LND) type, as numbered by LNet. The numbers
/// never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u16)]
pub enum LndType {
    /// TCP sockets (socklnd): `tcp`.
    Tcp = 2,
    /// InfiniBand and RoCE (o2iblnd): `o2ib`.
    O2ib = 5,
    /// The node itself (lolnd): `lo`.
    Lo = 9,
}

impl LndType {
    /// The name of the LND in NID strings.
    pub const fn name(self) -> &'static str {
        match self {
            LndType::Tcp => "tcp",
            LndType::O2ib => "o2ib",
            LndType::Lo => "lo",
        }
    }

    /// The LND with the given number, if LNet defines it and we know it.
    pub const fn from_number(n: u16) -> Option<Self> {
        match n {
            2 => Some(LndType::Tcp),
            5 => Some(LndType::O2ib),
            9 => Some(LndType::Lo),
            _ => None,
        }
    }

    /// Whether addresses on this LND are IPv4 addresses (else a plain number).
    const fn has_ipv4_address(self) -> bool {
        !matches!(self, LndType::Lo)
    }
}

/// An LNet network: an LND type and a network number (`tcp1` is `Tcp`, 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net {
    lnd: LndType,
    num: u16,
}

impl Net {
    /// The network `num` of LND `lnd`.
    pub const fn new(lnd: LndType, num: u16) -> Self {
        Net { lnd, num }
    }

    /// The LND type.
    pub const fn lnd(self) -> LndType {
        self.lnd
    }

    /// The network number (0 for `tcp`, 1 for `tcp1`).
    pub const fn num(self) -> u16 {
        self.num
    }

    /// The 32-bit encoding of the network.
    pub const fn as_u32(self) -> u32 {
        ((self.lnd as u32) << 16) | self.num as u32
    }

    /// Decodes a 32-bit network; `None` for an LND we do not know.
    pub const fn from_u32(v: u32) -> Option<Self> {
        if v >> 24 != 0 {
            return None;
        }
        match LndType::from_number((v >> 16) as u16) {
            Some(lnd) => Some(Net::new(lnd, v as u16)),
            None => None,
        }
    }
}

impl fmt::Display for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.lnd.name())?;
        if self.num != 0 {
            write!(f, "{}", self.num)?;
        }
        Ok(())
    }
}

impl FromStr for Net {
    type Err = NidError;

    /// Parses `tcp`, `tcp0`, `tcp1`, `o2ib3`, `lo`.
    fn from_str(s: &str) -> Result<Self, NidError> {
        let name = s.trim_end_matches(|c: char| c.is_ascii_digit());
        let num = &s[name.len()..];
        let lnd = [LndType::Tcp, LndType::O2ib, LndType::Lo]
            .into_iter()
            .find(|l| l.name() == name)
            .ok_or(NidError::UnknownNetwork)?;
        let num = if num.is_empty() {
            0
        } else {
            parse_decimal(num).ok_or(NidError::BadNetworkNumber)?
        };
        let num = u16::try_from(num).map_err(|_| NidError::BadNetworkNumber)?;
        if lnd == LndType::Lo && num != 0 {
            return Err(NidError::BadNetworkNumber);
        }
        Ok(Net::new(lnd, num))
    }
}

/// A NID: an address on an LNet network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nid {
    net: Net,
    addr: u32,
}

/// Why a string or number is not a NID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NidError {
    /// No `@` between address and network.
    MissingAt,
    /// The network name is not one we know (`tcp`, `o2ib`, `lo`).
    UnknownNetwork,
    /// The network number is not a decimal below 65536 (and `lo` has none).
    BadNetworkNumber,
    /// The address is not a dotted-quad IPv4 address (or, for `lo`, 0).
    BadAddress,
}

impl fmt::Display for NidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NidError::MissingAt => "expected <address>@<network>",
            NidError::UnknownNetwork => "unknown network type (tcp, o2ib or lo)",
            NidError::BadNetworkNumber => "bad network number",
            NidError::BadAddress => "bad address (an IPv4 address, or 0 for lo)",
        })
    }
}

impl Nid {
    /// The loopback NID `0@lo`.
    pub const LO: Nid = Nid {
        net: Net::new(LndType::Lo, 0),
        addr: 0,
    };

    /// The NID of address `addr` (host order) on `net`.
    pub const fn new(net: Net, addr: u32) -> Self {
        Nid { net, addr }
    }

    /// The network.
    pub const fn net(self) -> Net {
        self.net
    }

    /// The address on the network: an IPv4 address in host order for IP
    /// networks.
    pub const fn addr(self) -> u32 {
        self.addr
    }

    /// The 64-bit `lnet_nid_t` encoding.
    pub const fn as_u64(self) -> u64 {
        ((self.net.as_u32() as u64) << 32) | self.addr as u64
    }

    /// Decodes a 64-bit `lnet_nid_t`.
    ///
    /// # Errors
    /// [`NidError::UnknownNetwork`] when the network is not one we know.
    pub const fn from_u64(v: u64) -> Result<Self, NidError> {
        match Net::from_u32((v >> 32) as u32) {
            Some(net) => Ok(Nid::new(net, v as u32)),
            None => Err(NidError::UnknownNetwork),
        }
    }
}

impl fmt::Display for Nid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.net.lnd.has_ipv4_address() {
            let [a, b, c, d] = self.addr.to_be_bytes();
            write!(f, "{a}.{b}.{c}.{d}@{}", self.net)
        } else {
            write!(f, "{}@{}", self.addr, self.net)
        }
    }
}

impl FromStr for Nid {
    type Err = NidError;

    fn from_str(s: &str) -> Result<Self, NidError> {
        let (addr, net) = s.split_once('@').ok_or(NidError::MissingAt)?;
        let net: Net = net.parse()?;
        let addr = if net.lnd.has_ipv4_address() {
            parse_ipv4(addr).ok_or(NidError::BadAddress)?
        } else if addr == "0" {
            0
        } else {
            return Err(NidError::BadAddress);
        };
        Ok(Nid::new(net, addr))
    }
}

/// Parses a non-empty decimal number without sign, below 2^32.
fn parse_decimal(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a dotted-quad IPv4 address into a host-order integer.
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut addr = 0u32;
    let mut parts = 0;
    for part in s.split('.') {
        if part.len() > 3 {
            return None;
        }
        let octet = u8::try_from(parse_decimal(part)?).ok()?;
        addr = (addr << 8) | u32::from(octet);
        parts += 1;
    }
    (parts == 4).then_some(addr)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn encodes_like_lnet() {
        let nid: Nid = "192.168.1.1@tcp".parse().unwrap();
        assert_eq!(nid.as_u64(), 0x0002_0000_c0a8_0101);
        let nid: Nid = "10.0.0.5@tcp1".parse().unwrap();
        assert_eq!(nid.as_u64(), 0x0002_0001_0a00_0005);
        let nid: Nid = "0@lo".parse().unwrap();
        assert_eq!(nid, Nid::LO);
        assert_eq!(nid.as_u64(), 0x0009_0000_0000_0000);
    }

    #[test]
    fn formats_canonically() {
        for (input, canonical) in [
            ("192.168.1.10@tcp", "192.168.1.10@tcp"),
            ("192.168.1.10@tcp0", "192.168.1.10@tcp"),
            ("10.0.0.1@tcp1", "10.0.0.1@tcp1"),
            ("172.16.0.9@o2ib3", "172.16.0.9@o2ib3"),
            ("0@lo", "0@lo"),
        ] {
            let nid: Nid = input.parse().unwrap();
            assert_eq!(nid.to_string(), canonical);
            assert_eq!(Nid::from_u64(nid.as_u64()), Ok(nid));
        }
    }

    #[test]
    fn rejects_bad_nids() {
        for (input, err) in [
            ("", NidError::MissingAt),
            ("192.168.1.1", NidError::MissingAt),
            ("192.168.1.1@", NidError::UnknownNetwork),
            ("192.168.1.1@eth", NidError::UnknownNetwork),
            ("192.168.1.1@tcpx", NidError::UnknownNetwork),
            ("192.168.1.1@tcp65536", NidError::BadNetworkNumber),
            ("192.168.1.1@tcp99999999999", NidError::BadNetworkNumber),
            ("0@lo1", NidError::BadNetworkNumber),
            ("1@lo", NidError::BadAddress),
            ("192.168.1@tcp", NidError::BadAddress),
            ("192.168.1.1.1@tcp", NidError::BadAddress),
            ("192.168.1.256@tcp", NidError::BadAddress),
            ("192.168.1.-1@tcp", NidError::BadAddress),
            ("192.168..1@tcp", NidError::BadAddress),
            ("192.168.1.0001@tcp", NidError::BadAddress),
            ("@tcp", NidError::BadAddress),
        ] {
            assert_eq!(input.parse::<Nid>(), Err(err), "{input}");
        }
    }

    #[test]
    fn rejects_unknown_encodings() {
        assert_eq!(
            Nid::from_u64(0x0003_0000_0000_0001),
            Err(NidError::UnknownNetwork)
        );
        assert_eq!(
            Nid::from_u64(0x0102_0000_0000_0001),
            Err(NidError::UnknownNetwork)
        );
    }
}
