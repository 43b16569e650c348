//! The web application's building blocks: jobs, their store, the queue
//! that runs them and the runner that does the work.

pub mod artifact_store;
pub mod job_store;
pub mod model;
pub mod queue;
pub mod runner;
