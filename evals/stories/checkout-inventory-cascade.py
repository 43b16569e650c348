# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""checkout: the inventory service slows to ~28 s per call, checkout requests pile up and the 5x10 slots run out (429).

Story: at 20:10 the inventory service's database starts a long vacuum and its
reservation endpoint slows from 40 ms to 25-30 s. checkout (Rust/axum) calls
it with a 30 s client timeout and holds each request meanwhile. With max 5
instances x concurrency 10, the 50 slots fill within a minute and Cloud Run
rejects further checkouts with 429; some reservations time out in reqwest.
Two real causes: the dependency slowdown (first) and a capacity setting that
cannot absorb it (second). Monitoring shows instance_count pinned at 5.
"""

from __future__ import annotations

import casegen as g

MAIN_RS = '''\
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
'''

CHECKOUT_RS = '''\
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
'''

TF = '''\
resource "google_cloud_run_v2_service" "checkout" {
  name     = "checkout"
  location = "us-central1"

  template {
    service_account                  = "checkout@bluejay-commerce.iam.gserviceaccount.com"
    max_instance_request_concurrency = 10
    timeout                          = "60s"

    scaling {
      min_instance_count = 2
      max_instance_count = 5
    }

    containers {
      image = "us-central1-docker.pkg.dev/bluejay-commerce/svc/checkout:${var.tag}"
      env {
        name  = "INVENTORY_URL"
        value = "https://inventory-uc3xk2ahba-uc.a.run.app"
      }
    }
  }
}
'''


def build() -> g.Case:
    c = g.Case("checkout-inventory-cascade", "checkout: customers get 'too many requests' at checkout",
               project="bluejay-commerce", region="us-central1", target_type="service", target_name="checkout",
               start="2026-11-27T19:45:00Z", end="2026-11-27T21:00:00Z", lang="en")
    c.add_files({"src/main.rs": MAIN_RS, "src/checkout.rs": CHECKOUT_RS, "infra/checkout.tf": TF,
                 "Cargo.toml": '[package]\nname = "checkout"\nversion = "0.9.2"\nedition = "2021"\n\n[dependencies]\nanyhow = "1"\naxum = "0.7"\nreqwest = { version = "0.12", features = ["json"] }\nserde = { version = "1", features = ["derive"] }\ntokio = { version = "1", features = ["full"] }\ntracing = "0.1"\ntracing-subscriber = { version = "0.3", features = ["json"] }\n',
                 "Dockerfile": "FROM rust:1.83 AS build\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n\nFROM gcr.io/distroless/cc-debian12\nCOPY --from=build /src/target/release/checkout /checkout\nENTRYPOINT [\"/checkout\"]\n"})
    rev = "checkout-00046-qar"
    tmpl = g.template([g.container("checkout-1", "us-central1-docker.pkg.dev/bluejay-commerce/svc/checkout:0.9.2",
                                   env={"INVENTORY_URL": "https://inventory-uc3xk2ahba-uc.a.run.app"})],
                      service_account="checkout@bluejay-commerce.iam.gserviceaccount.com", min_instances=2, max_instances=5,
                      concurrency=10, timeout="60s")
    c.add_service("checkout", [{"name": rev, "tmpl": tmpl, "created": "2026-11-20T08:00:00Z"}], traffic=[(rev, 100)],
                  creator="terraform@bluejay-commerce.iam.gserviceaccount.com", created="2025-06-01T00:00:00Z", client="terraform")
    res = c.res("checkout", rev)
    host = c.host("checkout")
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    slow_from, slow_to = g.at(c.start, minutes=25), g.at(c.start, minutes=58)
    fast = [g.Route("POST", "/v1/checkout", 1, 90, {201: 0.98, 409: 0.02})]
    agents = ["bluejay-web/12.4", "bluejay-ios/6.0", "bluejay-android/6.0"]
    c.logs.traffic(res, c.start, slow_from, 170, fast, insts, host, agents=agents)
    more = insts + [c.logs.instance_id() for _ in range(3)]
    for k, inst in enumerate(more[2:]):
        c.logs.instance_start(g.at(slow_from, seconds=20 + 15 * k), res, inst, "checkout-1", ready_after_s=0.3)
    slow = [g.Route("POST", "/v1/checkout", 1, 26000, {201: 0.9, 502: 0.1})]
    c.logs.traffic(res, slow_from, slow_to, 120, slow, more, host, agents=agents)
    inv_err, rejected = [], []
    for _ in range(40):
        ts = g.at(slow_from, seconds=30 + c.rng.random() * 1900)
        inst = c.rng.choice(more)
        trace = c.logs.trace()
        inv_err.append(c.logs.app(ts, res, inst, json={"timestamp": g.fmt(ts), "level": "ERROR", "target": "checkout::checkout",
                                                       "fields": {"message": "inventory reservation failed", "cart_id": f"c_{c.logs.hex(10)}",
                                                                  "error": "error sending request for url (https://inventory-uc3xk2ahba-uc.a.run.app/v1/reservations): operation timed out"}},
                                  severity="ERROR", trace=trace))
        c.logs.request(ts, res, inst, "POST", f"https://{host}/v1/checkout", 502, 30.0 + c.rng.random() * 0.01, trace=trace, ended=True,
                       user_agent=c.rng.choice(agents))
    for _ in range(160):
        ts = g.at(slow_from, seconds=60 + c.rng.random() * 1870)
        rejected.append(c.logs.request(ts, res, None, "POST", f"https://{host}/v1/checkout", 429, 0.002, text=g.TXT_NO_INSTANCE,
                                       user_agent=c.rng.choice(agents), size=0))
    c.logs.traffic(res, slow_to, c.end, 100, fast, more, host, agents=agents)
    # the inventory service itself (same project): slow 200s during the window
    inv = c.res("inventory", "inventory-00088-lep")
    c.logs.traffic(inv, slow_from, slow_to, 90, [g.Route("POST", "/v1/reservations", 1, 27000)], [c.logs.instance_id()], c.host("inventory"),
                   agents=["reqwest/0.12.9"])
    inst_pts, rc = [], []
    t = c.start
    while t < c.end:
        nxt = g.at(t, minutes=1)
        bad = slow_from <= t < slow_to
        inst_pts.append((t, nxt, 5 if bad else 2))
        rc.append((t, nxt, c.rng.randint(3, 9) if bad and t > g.at(slow_from, minutes=1) else 0))
        t = nxt
    c.timeseries += [g.series("run.googleapis.com/container/instance_count", {"state": "active"}, res, "GAUGE", "INT64", inst_pts),
                     g.series("run.googleapis.com/request_count", {"response_code": "429", "response_code_class": "4xx"}, res, "DELTA", "INT64", rc)]
    c.expect = {
        "root_causes": ["downstream-dependency"],
        "also": ["no-available-instance"],
        "must_cite": [
            [f"run.googleapis.com/stdout#{i}" for i in inv_err],
            [f"run.googleapis.com/requests#{i}" for i in rejected],
            [f"{c.svc_name('checkout')}#template.scaling.maxInstanceCount", c.cite("infra/checkout.tf", "max_instance_count = 5"),
             f"{c.svc_name('checkout')}#template.maxInstanceRequestConcurrency", c.cite("infra/checkout.tf", "max_instance_request_concurrency = 10")],
        ],
    }
    return c
