use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub struct AppState {
    pub inventory: reqwest::Client,
    pub inventory_url: String,
}

#[derive(Deserialize, Serialize)]
pub struct Cart {
    pub cart_id: String,
    pub items: Vec<(String, u32)>,
}

pub async fn checkout(State(state): State<Arc<AppState>>, Json(cart): Json<Cart>) -> Result<StatusCode, StatusCode> {
    let reservation = state
        .inventory
        .post(format!("{}/v1/reservations", state.inventory_url))
        .json(&cart)
        .send()
        .await
        .map_err(|err| {
            tracing::error!(cart_id = %cart.cart_id, error = %err, "inventory reservation failed");
            StatusCode::BAD_GATEWAY
        })?;
    if !reservation.status().is_success() {
        return Err(StatusCode::CONFLICT);
    }
    Ok(StatusCode::CREATED)
}
