//! The restricted-party screener the service screens every assessment's parties with: the
//! bundled list snapshots (`preclear-screening`), read and indexed once per process, in the
//! background from the service's start (`warm`), so that the first assessment does not wait
//! for it. Lists deployed as datasets are the next step of the issue "restricted-party
//! screening".

use std::sync::{Arc, LazyLock};

use preclear_screening::{Screener, lists};

static SCREENER: LazyLock<Option<Arc<Screener>>> = LazyLock::new(|| match lists::bundled() {
    Ok(entries) => Some(Arc::new(Screener::new(entries))),
    Err(error) => {
        tracing::error!(%error, "the bundled sanctions lists do not read: parties are not screened");
        None
    }
});

/// The screener (built on first use, or by [`warm`]); `None` if the bundled lists do not read.
pub fn screener() -> Option<Arc<Screener>> {
    SCREENER.clone()
}

/// Builds the screener on a thread of its own.
pub fn warm() {
    std::thread::spawn(|| {
        let _ = screener();
    });
}

/// Whether a stored assessment was screened (its replay screens it again, an older one not).
pub fn was_screened(result: &str) -> bool {
    result.contains("\"screening\":")
}
