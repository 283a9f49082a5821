//! Password and key verification on a fixed pool of threads.
//!
//! argon2 is slow and needs 19 MiB per verification on purpose. Run on the blocking pool, a
//! burst of failed sign-ins (no credentials needed) ran hundreds at once, and the allocator kept
//! every thread's copy of that memory after the burst. Here a fixed number of worker threads
//! (half the cores, by default) each own their working memory and reuse it, and a short queue
//! takes what arrives while they are busy; when the queue is full the caller hears
//! [`ServiceError::Busy`] at once instead of waiting. Memory is then bounded by the number of
//! workers, whatever the load.

use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};

use preclear_store::credentials::{HashMemory, verify_secret};
use tokio::sync::oneshot;

use crate::error::ServiceError;

/// How long a caller is told to wait when the pool is full, in seconds.
pub const BUSY_RETRY_AFTER: u64 = 1;

struct Job {
    secret: String,
    hash: String,
    answer: oneshot::Sender<bool>,
}

/// A fixed pool of verifying threads with a bounded queue.
#[derive(Debug, Clone)]
pub struct HashPool {
    jobs: SyncSender<Job>,
    workers: usize,
    queue: usize,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl HashPool {
    /// Starts `workers` threads (at least one) behind a queue of `queue` waiting verifications.
    /// The threads end when the last handle to the pool is dropped.
    pub fn start(workers: usize, queue: usize) -> HashPool {
        let workers = workers.max(1);
        let (jobs, receiver) = sync_channel::<Job>(queue);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        for n in 0..workers {
            let receiver = receiver.clone();
            let spawned =
                std::thread::Builder::new().name(format!("preclear-hash-{n}")).spawn(move || {
                    let mut memory = HashMemory::for_default_params();
                    loop {
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        let matches = verify_secret(&job.secret, &job.hash, &mut memory);
                        // The caller may have gone (its request was cancelled): nothing to do.
                        let _ = job.answer.send(matches);
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "a hashing thread could not start");
            }
        }
        HashPool { jobs, workers, queue }
    }

    /// The number of workers and the queue's length.
    pub fn size(&self) -> (usize, usize) {
        (self.workers, self.queue)
    }

    /// Whether `secret` matches the stored `hash`; [`ServiceError::Busy`] when every worker is
    /// busy and the queue is full.
    pub async fn verify(&self, secret: &str, hash: &str) -> Result<bool, ServiceError> {
        let (answer, answered) = oneshot::channel();
        let job = Job { secret: secret.to_owned(), hash: hash.to_owned(), answer };
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                tracing::warn!("sign-in verification refused: every hashing worker is busy");
                return Err(ServiceError::Busy {
                    message: "too many sign-ins are being checked at once; try again shortly"
                        .into(),
                    retry_after_seconds: BUSY_RETRY_AFTER,
                });
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ServiceError::internal("the hashing threads have stopped"));
            }
        }
        answered.await.map_err(|_| ServiceError::internal("a hashing thread stopped"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use preclear_store::credentials::hash_secret;

    #[tokio::test]
    async fn verifies_and_refuses_beyond_its_queue() {
        let hash = hash_secret("right").unwrap();
        let pool = HashPool::start(1, 1);
        assert!(pool.verify("right", &hash).await.unwrap());
        assert!(!pool.verify("wrong", &hash).await.unwrap());
        // One worker and one place in the queue: of many at once, some are refused at once.
        let attempts: Vec<_> = (0..8)
            .map(|_| {
                let (pool, hash) = (pool.clone(), hash.clone());
                tokio::spawn(async move { pool.verify("wrong", &hash).await })
            })
            .collect();
        let mut busy = 0;
        for attempt in attempts {
            match attempt.await.unwrap() {
                Ok(matches) => assert!(!matches),
                Err(ServiceError::Busy { retry_after_seconds, .. }) => {
                    assert!(retry_after_seconds > 0);
                    busy += 1;
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert!(busy >= 5, "with 1 worker and a queue of 1, 8 at once leave most refused: {busy}");
    }
}
