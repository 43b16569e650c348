//! Job records kept as JSON files in the data directory (one file per job).

use std::path::PathBuf;

use anyhow::Context;

use crate::app::model::{Job, JobState};

#[derive(Debug, Clone)]
pub struct JobStore {
    dir: PathBuf,
}

impl JobStore {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    pub async fn put(&self, job: &Job) -> anyhow::Result<()> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let body = serde_json::to_vec_pretty(job)?;
        tokio::fs::write(self.path(&job.id), body)
            .await
            .with_context(|| format!("writing job {}", job.id))
    }

    pub async fn get(&self, id: &str) -> anyhow::Result<Option<Job>> {
        match tokio::fs::read_to_string(self.path(id)).await {
            Ok(text) => Ok(Some(serde_json::from_str(&text)?)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn set_state(&self, id: &str, state: JobState) -> anyhow::Result<()> {
        if let Some(mut job) = self.get(id).await? {
            job.state = state;
            self.put(&job).await?;
        }
        Ok(())
    }
}
