use axum::{routing::{get, post}, Router};
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

mod upload;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().with_env_filter(EnvFilter::from_default_env()).init();
    let state = upload::State::from_env().await?;
    let app = Router::new()
        .route("/v1/uploads", post(upload::handle))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state);

    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let addr = SocketAddr::from(([0, 0, 0, 0], port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "ingest-gateway listening");
    axum::serve(listener, app).await?;
    Ok(())
}
