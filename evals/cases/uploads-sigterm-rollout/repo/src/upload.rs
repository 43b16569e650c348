use axum::{body::Body, extract::State as AxState, http::StatusCode};
use futures::StreamExt;

#[derive(Clone)]
pub struct State {
    pub bucket: String,
    pub gcs: google_cloud_storage::client::Client,
}

impl State {
    pub async fn from_env() -> anyhow::Result<Self> {
        let config = google_cloud_storage::client::ClientConfig::default().with_auth().await?;
        Ok(Self { bucket: std::env::var("UPLOAD_BUCKET")?, gcs: google_cloud_storage::client::Client::new(config) })
    }
}

pub async fn handle(AxState(state): AxState<State>, body: Body) -> Result<StatusCode, StatusCode> {
    let object = format!("incoming/{}", uuid::Uuid::new_v4());
    let mut stream = body.into_data_stream();
    let mut writer = crate::upload::resumable(&state, &object).await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    let mut chunks = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        writer.write(&chunk).await.map_err(|_| StatusCode::BAD_GATEWAY)?;
        chunks += 1;
        if chunks % 64 == 0 {
            tracing::info!(object, chunks, "upload progress");
        }
    }
    writer.finish().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    tracing::info!(object, chunks, "upload complete");
    Ok(StatusCode::CREATED)
}
