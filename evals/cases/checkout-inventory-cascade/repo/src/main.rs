use axum::{routing::post, Router};
use std::{sync::Arc, time::Duration};

mod checkout;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().init();
    let inventory = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let state = Arc::new(checkout::AppState {
        inventory,
        inventory_url: std::env::var("INVENTORY_URL")?,
    });
    let app = Router::new().route("/v1/checkout", post(checkout::checkout)).with_state(state);
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".into());
    let listener = tokio::net::TcpListener::bind(format!("0.0.0.0:{port}")).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async { tokio::signal::ctrl_c().await.ok(); })
        .await?;
    Ok(())
}
