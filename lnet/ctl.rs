// SPDX-License-Identifier: GPL-2.0

//! The control interface: the ioctls of `/dev/lnet` that `lctl network
//! up|down`, `lctl list_nids` and `lctl ping` use, and the state they
//! control: whether the networks are up. Their buffers are encoded by the
//! wire crate's `lnet::ctl`, which `lctl` shares.
//!
//! As in Lustre, loading the module does not start the network: `lctl
//! network up` does, and so does any ioctl that needs it.

use kernel::prelude::*;
use kernel::sync::{Arc, Mutex};
use kernel::uaccess::{UserSlice, UserSliceReader, UserSliceWriter};

use crate::config::Config;
use crate::miscdev::IoctlHandler;
use crate::ni::Lnet;
use crate::stats::Stats;
use crate::wire::lnet::ctl::{
    ListNids, PingRequest, LIST_NIDS_SIZE, LNET_IOC_LIST_NIDS, LNET_IOC_MAX_NIDS,
    LNET_IOC_NETWORK_DOWN, LNET_IOC_NETWORK_UP, LNET_IOC_PING, NETWORK_SIZE, PING_SIZE,
};
use crate::wire::nid::Nid;

/// The longest a ping may wait, in milliseconds.
const PING_TIMEOUT_MAX_MS: u32 = 120_000;

/// LNet's state and the handler of `/dev/lnet`.
#[pin_data]
pub(crate) struct LnetCtl {
    config: Config,
    /// LNet's counters, kept across networks down and up.
    pub(crate) stats: Arc<Stats>,
    /// LNet while the networks are up.
    #[pin]
    lnet: Mutex<Option<Arc<Lnet>>>,
}

impl IoctlHandler for LnetCtl {
    fn ioctl(&self, nr: u32, arg: UserSlice) -> Result {
        match u8::try_from(nr) {
            Ok(LNET_IOC_LIST_NIDS) => self.list_nids(arg),
            Ok(LNET_IOC_PING) => self.ping(arg),
            Ok(LNET_IOC_NETWORK_UP) => sized(arg, NETWORK_SIZE).and_then(|_| self.up().map(drop)),
            Ok(LNET_IOC_NETWORK_DOWN) => sized(arg, NETWORK_SIZE).map(|_| self.down()),
            _ => Err(ENOTTY),
        }
    }
}

impl LnetCtl {
    /// The state of a module loaded with `config`, networks down.
    pub(crate) fn new(config: Config, stats: Arc<Stats>) -> impl PinInit<Self> {
        pin_init!(LnetCtl {
            config,
            stats,
            lnet <- kernel::new_mutex!(None),
        })
    }

    /// Brings the networks up, if they are not, and returns LNet.
    pub(crate) fn up(&self) -> Result<Arc<Lnet>> {
        let mut lnet = self.lnet.lock();
        if let Some(l) = &*lnet {
            return Ok(l.clone());
        }
        let l = Lnet::start(self.config, self.stats.clone())?;
        *lnet = Some(l.clone());
        Ok(l)
    }

    /// Takes the networks down: closes every connection.
    pub(crate) fn down(&self) {
        let lnet = self.lnet.lock().take();
        if let Some(l) = lnet {
            l.shutdown();
            pr_info!("networks down\n");
        }
    }

    fn list_nids(&self, arg: UserSlice) -> Result {
        let (_, mut w) = sized(arg, LIST_NIDS_SIZE)?;
        let lnet = self.up()?;
        let mut list = ListNids {
            nids: [0; LNET_IOC_MAX_NIDS],
            count: 0,
        };
        for (slot, nid) in list.nids.iter_mut().zip(lnet.nids()) {
            *slot = nid.as_u64();
            list.count += 1;
        }
        let mut buf = [0u8; LIST_NIDS_SIZE];
        list.encode(&mut buf).map_err(|_| EINVAL)?;
        w.write_slice(&buf)
    }

    fn ping(&self, arg: UserSlice) -> Result {
        let (mut r, mut w) = sized(arg, PING_SIZE)?;
        let mut buf = [0u8; PING_SIZE];
        r.read_slice(&mut buf)?;
        let req = PingRequest::decode(&buf).map_err(|_| EINVAL)?;
        let nid = Nid::from_u64(req.nid).map_err(|_| EINVAL)?;
        let timeout = req.timeout_ms.clamp(1, PING_TIMEOUT_MAX_MS);
        let result = self.up()?.ping(nid, timeout)?;
        result.encode(&mut buf).map_err(|_| EINVAL)?;
        w.write_slice(&buf)
    }
}

/// The reader and writer of an ioctl buffer that must be `size` bytes.
fn sized(arg: UserSlice, size: usize) -> Result<(UserSliceReader, UserSliceWriter)> {
    let (r, w) = arg.reader_writer();
    if r.len() != size {
        return Err(EINVAL);
    }
    Ok((r, w))
}
