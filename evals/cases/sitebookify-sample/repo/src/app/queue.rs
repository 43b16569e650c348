//! In-process job queue: bounds how many jobs run at once on this instance.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

/// Runs submitted jobs on this process's tokio runtime, at most
/// `max_concurrency` at a time. Nothing is persisted: a job lives only as
/// long as the process that accepted it.
#[derive(Debug, Clone)]
pub struct InProcessQueue {
    permits: Arc<Semaphore>,
}

impl InProcessQueue {
    pub fn new(max_concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_concurrency.max(1))),
        }
    }

    /// Starts `job` in the background and returns immediately.
    pub fn spawn<F>(&self, job: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let permits = Arc::clone(&self.permits);
        tokio::spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("in-process queue semaphore closed");
            job.await;
        });
    }
}
