//! sitebookify-app: the HTTP front end. Accepts a site URL, answers 202 with
//! a job id, and builds the book in the background.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Parser;
use serde::{Deserialize, Serialize};

use sitebookify::app::job_store::JobStore;
use sitebookify::app::model::{Job, JobState};
use sitebookify::app::queue::InProcessQueue;
use sitebookify::app::runner::{run_job, RunnerConfig};

#[derive(Debug, Parser)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Where job records and workspaces are written.
    #[arg(long, default_value = "/tmp/sitebookify")]
    data_dir: PathBuf,
    /// Built web UI to serve at /.
    #[arg(long)]
    web_dir: Option<PathBuf>,
    /// Jobs that may run at once on this instance.
    #[arg(long, env = "SITEBOOKIFY_MAX_CONCURRENT_JOBS", default_value_t = 2)]
    max_concurrent_jobs: usize,
}

#[derive(Clone)]
struct AppState {
    store: JobStore,
    queue: InProcessQueue,
    runner: Arc<RunnerConfig>,
}

#[derive(Debug, Deserialize)]
struct CreateJobRequest {
    url: String,
    title: Option<String>,
}

#[derive(Debug, Serialize)]
struct CreateJobResponse {
    job_id: String,
    state: JobState,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().json().init();
    let args = Args::parse();

    let state = AppState {
        store: JobStore::new(args.data_dir.join("jobs")),
        queue: InProcessQueue::new(args.max_concurrent_jobs),
        runner: Arc::new(RunnerConfig::from_env(args.data_dir.clone())),
    };

    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/jobs", post(create_job))
        .route("/jobs/{id}", get(get_job))
        .with_state(state);

    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!(addr = %args.addr, "listening");
    axum::serve(listener, app).await?;
    Ok(())
}

async fn healthz() -> &'static str {
    "ok"
}

/// Records the job as QUEUED, hands it to the in-process queue and answers
/// 202 at once; the client polls GET /jobs/{id}.
async fn create_job(
    State(state): State<AppState>,
    Json(req): Json<CreateJobRequest>,
) -> Result<(StatusCode, Json<CreateJobResponse>), (StatusCode, String)> {
    let job = Job::new(req.url, req.title);
    state.store.put(&job).await.map_err(internal)?;

    let job_id = job.id.clone();
    let store = state.store.clone();
    let runner = Arc::clone(&state.runner);
    state.queue.spawn(run_job(store, runner, job_id.clone()));

    tracing::info!(job_id = %job_id, "job queued");
    Ok((
        StatusCode::ACCEPTED,
        Json(CreateJobResponse {
            job_id,
            state: JobState::Queued,
        }),
    ))
}

async fn get_job(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Job>, (StatusCode, String)> {
    match state.store.get(&id).await.map_err(internal)? {
        Some(job) => Ok(Json(job)),
        None => Err((StatusCode::NOT_FOUND, format!("job {id} not found"))),
    }
}

fn internal(err: anyhow::Error) -> (StatusCode, String) {
    (StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
}
