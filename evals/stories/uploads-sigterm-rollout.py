# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""ingest-gateway: long uploads are cut whenever an instance stops, because the server never drains on SIGTERM.

Story: the Rust/axum gateway streams multi-GB uploads (30-120 s each) to GCS.
`main` calls `axum::serve(...).await` with no graceful-shutdown future, so the
process dies on SIGTERM and in-flight streams break. At 14:20 a routine
Terraform apply rolled out a new revision (only a log-format change): uploads
running on the old instances failed with 503. At 14:48 the autoscaler retired
an idle-ish instance of the NEW revision and the same happened again, so the
deploy itself is not the cause.
"""

from __future__ import annotations

import casegen as g

MAIN_RS = '''\
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
'''

UPLOAD_RS = '''\
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
'''

TF = '''\
resource "google_cloud_run_v2_service" "ingest_gateway" {
  name     = "ingest-gateway"
  location = "europe-west1"

  template {
    service_account                  = "ingest-gateway@lumen-media.iam.gserviceaccount.com"
    timeout                          = "900s"
    max_instance_request_concurrency = 20

    scaling {
      max_instance_count = 12
    }

    containers {
      image = "europe-west1-docker.pkg.dev/lumen-media/svc/ingest-gateway:${var.release}"
      resources {
        limits = {
          cpu    = "2"
          memory = "1Gi"
        }
      }
      env {
        name  = "UPLOAD_BUCKET"
        value = "lumen-ingest-raw"
      }
      env {
        name  = "RUST_LOG"
        value = "info"
      }
    }
  }
}

variable "release" {
  type = string
}
'''

DOCKERFILE = '''\
FROM rust:1.83 AS build
WORKDIR /src
COPY . .
RUN cargo build --release

FROM gcr.io/distroless/cc-debian12
COPY --from=build /src/target/release/ingest-gateway /ingest-gateway
ENTRYPOINT ["/ingest-gateway"]
'''

CARGO = '''\
[package]
name = "ingest-gateway"
version = "1.7.3"
edition = "2021"

[dependencies]
anyhow = "1"
axum = "0.7"
futures = "0.3"
google-cloud-storage = "0.22"
tokio = { version = "1", features = ["full"] }
tracing = "0.1"
tracing-subscriber = { version = "0.3", features = ["json", "env-filter"] }
uuid = { version = "1", features = ["v4"] }
'''


def build() -> g.Case:
    c = g.Case("uploads-sigterm-rollout", "ingest-gateway: uploads fail with 503 in bursts",
               project="lumen-media", region="europe-west1", target_type="service", target_name="ingest-gateway",
               start="2026-06-03T14:00:00Z", end="2026-06-03T15:00:00Z", lang="en")
    c.add_files({"src/main.rs": MAIN_RS, "src/upload.rs": UPLOAD_RS, "infra/cloud_run.tf": TF, "Dockerfile": DOCKERFILE,
                 "Cargo.toml": CARGO})
    sa = "ingest-gateway@lumen-media.iam.gserviceaccount.com"
    img = "europe-west1-docker.pkg.dev/lumen-media/svc/ingest-gateway:"
    old, new = "ingest-gateway-00057-liq", "ingest-gateway-00058-bep"

    def tmpl(tag: str) -> dict:
        return g.template([g.container("ingest-gateway-1", img + tag, cpu="2", memory="1Gi",
                                       env={"UPLOAD_BUCKET": "lumen-ingest-raw", "RUST_LOG": "info"})],
                          service_account=sa, max_instances=12, concurrency=20, timeout="900s")

    tf_sa = "terraform@lumen-media.iam.gserviceaccount.com"
    rollout = g.at(c.start, minutes=20, seconds=3)
    c.add_service("ingest-gateway", [
        {"name": old, "tmpl": tmpl("1.7.2"), "created": "2026-05-28T09:44:10Z", "active": False},
        {"name": new, "tmpl": tmpl("1.7.3"), "created": g.fmt_s(rollout)},
    ], traffic=[(new, 100)], creator=tf_sa, created="2025-02-11T10:00:00Z", client="terraform")
    host = c.host("ingest-gateway")
    r_old, r_new = c.res("ingest-gateway", old), c.res("ingest-gateway", new)
    routes = [g.Route("POST", "/v1/uploads", 1, 45000, {201: 1.0})]
    agents = ["lumen-uploader/5.2 (darwin)", "lumen-uploader/5.2 (windows)"]
    old_insts = [c.logs.instance_id() for _ in range(3)]
    c.logs.traffic(r_old, c.start, g.at(rollout, seconds=-90), 150, routes, old_insts, host, agents=agents)
    c.logs.audit(rollout, c.res("ingest-gateway"), method="google.cloud.run.v2.Services.UpdateService", principal=tf_sa,
                 resource_name=c.svc_name("ingest-gateway"), user_agent="Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-google/6.12.0")
    new_insts = [c.logs.instance_id() for _ in range(3)]
    for k, inst in enumerate(new_insts):
        c.logs.instance_start(g.at(rollout, seconds=8 + k), r_new, inst, "ingest-gateway-1", reason=g.ROLLOUT, ready_after_s=0.6)
    c.logs.ready_event(g.at(rollout, seconds=15), r_new, new, True, "Deploying revision succeeded in 12.18s.")
    cut = []
    switch = g.at(rollout, seconds=16)
    for k, inst in enumerate(old_insts):
        stop = g.at(switch, seconds=30 + k * 9)
        c.logs.system(stop, r_old, inst, "Container terminated on signal 15.", "WARNING")
        for _ in range(2 + k):
            started = c.rng.uniform(20, 70)
            cut.append(c.logs.request(stop, r_old, inst, "POST", f"https://{host}/v1/uploads", 503, started,
                                      text=g.TXT_MALFORMED, user_agent=c.rng.choice(agents), ended=True))
    c.logs.traffic(r_new, g.at(switch, seconds=5), c.end, 210, routes, new_insts, host, agents=agents)
    # scale-in of a new-revision instance at 14:48
    stop = g.at(c.start, minutes=48, seconds=31)
    c.logs.system(stop, r_new, new_insts[2], "Container terminated on signal 15.", "WARNING")
    for _ in range(2):
        cut.append(c.logs.request(stop, r_new, new_insts[2], "POST", f"https://{host}/v1/uploads", 503,
                                  c.rng.uniform(30, 80), text=g.TXT_MALFORMED, user_agent=c.rng.choice(agents), ended=True))
    for inst in old_insts + new_insts:
        for _ in range(12):
            c.logs.app(g.at(c.start, seconds=c.rng.random() * 3500), r_new if inst in new_insts else r_old, inst,
                       json={"fields": {"message": "upload progress", "chunks": 64 * c.rng.randint(1, 40),
                                        "object": f"incoming/{c.logs.hex(8)}-{c.logs.hex(4)}"},
                             "level": "INFO", "target": "ingest_gateway::upload"}, severity="INFO")
    c.expect = {
        "root_causes": ["graceful-shutdown-missing"],
        "not_above": ["bad-deploy-regression"],
        "must_cite": [
            [c.cite("src/main.rs", "axum::serve(listener, app).await?;")],
            [f"run.googleapis.com/requests#{i}" for i in cut],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
