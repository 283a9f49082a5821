//! The restricted-party screener the service screens every assessment's parties with: the
//! bundled list snapshots (`preclear-screening`), read and indexed once per process, in the
//! background from the service's start (`warm`), so that the first assessment does not wait
//! for it. Lists deployed as datasets are the next step of the issue "restricted-party
//! screening".

use std::sync::{Arc, OnceLock};

use preclear_screening::{Screener, lists};

use crate::ServiceError;

static SCREENER: OnceLock<Option<Arc<Screener>>> = OnceLock::new();

/// The screener (built on first use, or by [`warm`]); `None` if the bundled lists do not read.
/// Blocks while the lists are read: call it off the async runtime, or call [`ready`].
pub fn screener() -> Option<Arc<Screener>> {
    SCREENER
        .get_or_init(|| match lists::bundled() {
            Ok(entries) => Some(Arc::new(Screener::new(entries))),
            Err(error) => {
                tracing::error!(%error, "the bundled sanctions lists do not read: parties are not screened");
                None
            }
        })
        .clone()
}

/// The screener for an async caller: at once when it is built (the usual case after
/// [`warm`]), otherwise built on a blocking thread.
pub async fn ready() -> Result<Option<Arc<Screener>>, ServiceError> {
    match SCREENER.get() {
        Some(screener) => Ok(screener.clone()),
        None => tokio::task::spawn_blocking(screener).await.map_err(ServiceError::internal),
    }
}

/// Builds the screener on a thread of its own.
pub fn warm() {
    std::thread::spawn(|| {
        let _ = screener();
    });
}
