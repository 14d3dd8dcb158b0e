//! What the MGC, the MDC and the OSC share: each is a connection to one
//! target, over an [`Import`].

use std::time::Duration;

use rustre_ptlrpc::{Error, Import};

/// A connection to one target.
pub trait Connected {
    /// The import it runs on.
    fn import(&self) -> &Import;

    /// Connects again as before (after an eviction or a server restart).
    ///
    /// # Errors
    /// What the connect gives.
    fn reconnect(&self) -> Result<(), Error> {
        self.import().reconnect()
    }

    /// Waits `timeout` for each reply (and resends after it) from now on.
    fn set_timeout(&self, timeout: Duration) {
        self.import().set_timeout(timeout);
    }

    /// Disconnects from the target.
    ///
    /// # Errors
    /// What the disconnect gives.
    fn disconnect(&self) -> Result<(), Error> {
        self.import().disconnect()
    }
}
