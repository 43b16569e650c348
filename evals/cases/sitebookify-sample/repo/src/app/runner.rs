//! Runs one job end to end: crawl the site, bind the book, upload it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::app::artifact_store::ArtifactStore;
use crate::app::job_store::JobStore;
use crate::app::model::JobState;
use crate::book;
use crate::crawl;

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    pub workspace: PathBuf,
    pub max_pages: usize,
    pub artifacts: Option<ArtifactStore>,
}

impl RunnerConfig {
    pub fn from_env(data_dir: PathBuf) -> Self {
        Self {
            workspace: data_dir.join("workspace"),
            max_pages: 500,
            artifacts: ArtifactStore::from_env().ok(),
        }
    }
}

/// Takes a QUEUED job to DONE or FAILED. This can take many minutes for a
/// large site; it runs after `create_job` has already answered 202.
pub async fn run_job(store: JobStore, config: Arc<RunnerConfig>, job_id: String) {
    if let Err(err) = run_job_inner(&store, &config, &job_id).await {
        tracing::error!(job_id = %job_id, error = %err, "job failed");
        let _ = store.set_state(&job_id, JobState::Failed).await;
    }
}

async fn run_job_inner(store: &JobStore, config: &RunnerConfig, job_id: &str) -> anyhow::Result<()> {
    let Some(job) = store.get(job_id).await? else {
        anyhow::bail!("job {job_id} disappeared");
    };
    store.set_state(job_id, JobState::Running).await?;
    tracing::info!(job_id, url = %job.url, "crawl started");

    let pages = crawl::crawl(&job.url, config.max_pages).await?;
    let dir = config.workspace.join(job_id);
    tokio::fs::create_dir_all(&dir).await?;
    let epub = book::bind(&pages, job.title.as_deref().unwrap_or("Untitled"))?;
    let local = dir.join("book.epub");
    tokio::fs::write(&local, &epub).await?;

    if let Some(artifacts) = &config.artifacts {
        let token = std::env::var("GOOGLE_OAUTH_ACCESS_TOKEN").unwrap_or_default();
        artifacts.upload(&format!("{job_id}/book.epub"), epub, &token).await?;
    }
    store.set_state(job_id, JobState::Done).await?;
    tracing::info!(job_id, pages = pages.len(), "job done");
    Ok(())
}
