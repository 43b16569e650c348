//! Finished books are uploaded to a Cloud Storage bucket.

use anyhow::Context;

#[derive(Debug, Clone)]
pub struct ArtifactStore {
    bucket: String,
    client: reqwest::Client,
}

impl ArtifactStore {
    pub fn from_env() -> anyhow::Result<Self> {
        let bucket = std::env::var("SITEBOOKIFY_ARTIFACT_BUCKET").context("SITEBOOKIFY_ARTIFACT_BUCKET is not set")?;
        Ok(Self {
            bucket,
            client: reqwest::Client::new(),
        })
    }

    /// Uploads `bytes` as `object` and returns its gs:// URL.
    pub async fn upload(&self, object: &str, bytes: Vec<u8>, token: &str) -> anyhow::Result<String> {
        let url = format!(
            "https://storage.googleapis.com/upload/storage/v1/b/{}/o?uploadType=media&name={}",
            self.bucket, object
        );
        self.client
            .post(url)
            .bearer_auth(token)
            .body(bytes)
            .send()
            .await?
            .error_for_status()?;
        Ok(format!("gs://{}/{}", self.bucket, object))
    }
}
