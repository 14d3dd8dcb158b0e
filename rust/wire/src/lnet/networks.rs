//! The `networks` setting of LNet (the module parameter of `lnet.ko`, and
//! `--networks` of our userspace tools): which LNet networks this node is on
//! and through which interface.
//!
//! ```text
//! networks = <net>[(<interface>)][,<net>[(<interface>)]...]
//! ```
//!
//! For example `tcp`, `tcp0(eth0)`, `tcp0(eth0),tcp1(eth1)`. Without an
//! interface, the node takes the first interface that is up and has an IPv4
//! address, as Lustre does. Spaces around the parts are allowed. Only TCP
//! networks exist here (`lo` is always there and may not be named), each with
//! one interface.

use core::fmt;

use crate::wire::nid::{LndType, Net, NidError};

/// The most networks a node may be on.
pub const MAX_NETWORKS: usize = 8;

/// The longest interface name (`IFNAMSIZ` less its terminating NUL).
pub const MAX_IFNAME: usize = 15;

/// One network and its interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetSpec<'a> {
    /// The network.
    pub net: Net,
    /// The interface named in parentheses, if one was.
    pub iface: Option<&'a str>,
}

/// A parsed `networks` setting; parsing checks everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Networks<'a> {
    specs: [Option<NetSpec<'a>>; MAX_NETWORKS],
    count: usize,
}

/// Why a `networks` setting is not valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworksError {
    /// Nothing, or an empty entry between commas.
    Empty,
    /// A network name that is not valid.
    BadNet(NidError),
    /// A network of another kind than TCP.
    NotTcp,
    /// The same network twice.
    Duplicate,
    /// More than [`MAX_NETWORKS`] networks.
    TooMany,
    /// An unbalanced parenthesis, or text after the closing one.
    Syntax,
    /// An empty interface name, one longer than [`MAX_IFNAME`], or one with
    /// characters that no interface name has.
    BadInterface,
    /// More than one interface for a network (multi-rail is not supported).
    SeveralInterfaces,
}

impl fmt::Display for NetworksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetworksError::Empty => f.write_str("empty network entry"),
            NetworksError::BadNet(e) => write!(f, "bad network name: {e}"),
            NetworksError::NotTcp => f.write_str("only tcp networks are supported"),
            NetworksError::Duplicate => f.write_str("a network is named twice"),
            NetworksError::TooMany => write!(f, "more than {MAX_NETWORKS} networks"),
            NetworksError::Syntax => f.write_str("expected <net>[(<interface>)]"),
            NetworksError::BadInterface => {
                write!(f, "bad interface name (1 to {MAX_IFNAME} characters)")
            }
            NetworksError::SeveralInterfaces => {
                f.write_str("only one interface per network is supported")
            }
        }
    }
}

impl<'a> Networks<'a> {
    /// Parses a `networks` setting.
    ///
    /// # Errors
    /// [`NetworksError`] saying what is wrong.
    pub fn parse(s: &'a str) -> Result<Self, NetworksError> {
        let mut nets = Networks {
            specs: [None; MAX_NETWORKS],
            count: 0,
        };
        for entry in split_entries(s) {
            let spec = parse_entry(entry?)?;
            if nets.iter().any(|n| n.net == spec.net) {
                return Err(NetworksError::Duplicate);
            }
            let slot = nets
                .specs
                .get_mut(nets.count)
                .ok_or(NetworksError::TooMany)?;
            *slot = Some(spec);
            nets.count += 1;
        }
        if nets.count == 0 {
            return Err(NetworksError::Empty);
        }
        Ok(nets)
    }

    /// The networks, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = NetSpec<'a>> + '_ {
        self.specs.iter().take(self.count).flatten().copied()
    }

    /// The number of networks.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none (never, once parsed).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Splits at the commas that are not inside parentheses.
fn split_entries(s: &str) -> impl Iterator<Item = Result<&str, NetworksError>> {
    let mut rest = Some(s);
    core::iter::from_fn(move || {
        let s = rest.take()?;
        let mut open = false;
        for (i, c) in s.char_indices() {
            match (c, open) {
                ('(', false) => open = true,
                (')', true) => open = false,
                ('(' | ')', _) => return Some(Err(NetworksError::Syntax)),
                (',', false) => {
                    // `i` is the index of an ASCII comma: both parts exist.
                    rest = s.get(i + 1..);
                    return s.get(..i).map(Ok);
                }
                _ => {}
            }
        }
        Some(if open {
            Err(NetworksError::Syntax)
        } else {
            Ok(s)
        })
    })
}

/// Parses `<net>[(<interface>)]`.
fn parse_entry(entry: &str) -> Result<NetSpec<'_>, NetworksError> {
    let entry = entry.trim();
    let (net, iface) = match entry.split_once('(') {
        None => (entry, None),
        Some((net, rest)) => {
            let iface = rest.strip_suffix(')').ok_or(NetworksError::Syntax)?;
            (net.trim_end(), Some(parse_iface(iface)?))
        }
    };
    if net.is_empty() {
        return Err(NetworksError::Empty);
    }
    let net: Net = net.parse().map_err(NetworksError::BadNet)?;
    if net.lnd() != LndType::Tcp {
        return Err(NetworksError::NotTcp);
    }
    Ok(NetSpec { net, iface })
}

/// Checks an interface name as the kernel's `dev_valid_name()` would.
fn parse_iface(iface: &str) -> Result<&str, NetworksError> {
    let iface = iface.trim();
    if iface.contains(',') {
        return Err(NetworksError::SeveralInterfaces);
    }
    let valid = !iface.is_empty()
        && iface.len() <= MAX_IFNAME
        && iface != "."
        && iface != ".."
        && iface
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b':');
    if valid {
        Ok(iface)
    } else {
        Err(NetworksError::BadInterface)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(num: u16) -> Net {
        Net::new(LndType::Tcp, num)
    }

    #[test]
    fn parses_the_forms_lustre_users_write() {
        let n = Networks::parse("tcp").unwrap();
        assert_eq!(n.len(), 1);
        assert_eq!(
            n.iter().next(),
            Some(NetSpec {
                net: tcp(0),
                iface: None
            })
        );
        let n = Networks::parse(" tcp0(eth0) , tcp1 ( eth1 ) ").unwrap();
        let got: [_; 2] = core::array::from_fn(|i| n.iter().nth(i).unwrap());
        assert_eq!(
            got,
            [
                NetSpec {
                    net: tcp(0),
                    iface: Some("eth0")
                },
                NetSpec {
                    net: tcp(1),
                    iface: Some("eth1")
                }
            ]
        );
    }

    #[test]
    fn says_what_is_wrong() {
        for (s, want) in [
            ("", NetworksError::Empty),
            ("tcp,", NetworksError::Empty),
            ("(eth0)", NetworksError::Empty),
            ("foo", NetworksError::BadNet(NidError::UnknownNetwork)),
            ("o2ib", NetworksError::NotTcp),
            ("lo", NetworksError::NotTcp),
            ("tcp,tcp0", NetworksError::Duplicate),
            ("tcp(eth0", NetworksError::Syntax),
            ("tcp)eth0(", NetworksError::Syntax),
            ("tcp((eth0))", NetworksError::Syntax),
            ("tcp(eth0)x", NetworksError::Syntax),
            ("tcp()", NetworksError::BadInterface),
            ("tcp(a/b)", NetworksError::BadInterface),
            ("tcp(sixteen-chars-xx)", NetworksError::BadInterface),
            ("tcp(eth0,eth1)", NetworksError::SeveralInterfaces),
            (
                "tcp0,tcp1,tcp2,tcp3,tcp4,tcp5,tcp6,tcp7,tcp8",
                NetworksError::TooMany,
            ),
        ] {
            assert_eq!(Networks::parse(s), Err(want), "{s:?}");
        }
    }
}
