# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""profile-api: Postgres runs out of connection slots (another team's reindex batch); API answers 500.

Story: at 07:05 the data team started an ad-hoc reindex from a VM that opened
~180 connections to the shared Cloud SQL instance (max_connections 200). The
profile API's pool could not open new connections ("remaining connection
slots are reserved", SQLSTATE 53300) and returned 500 until the batch ended at
07:31. No deploy, no config change on the service. Red herring: a developer's
preview revision (tag `preview`, 0 % traffic) fails its startup probe in the
same window; it serves no users.
"""

from __future__ import annotations

import casegen as g

MAIN_GO = '''\
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		slog.Error("db config", "err", err)
		os.Exit(1)
	}
	defer pool.Close()

	h := &handlers{db: pool}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/profiles/{id}", h.getProfile)
	mux.HandleFunc("PATCH /v1/profiles/{id}", h.patchProfile)
	slog.Info("profile-api listening", "port", os.Getenv("PORT"))
	if err := http.ListenAndServe(":"+os.Getenv("PORT"), mux); err != nil {
		slog.Error("server", "err", err)
		os.Exit(1)
	}
}
'''

HANDLERS_GO = '''\
package main

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
)

type handlers struct{ db *pgxpool.Pool }

type profile struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Locale      string `json:"locale"`
}

func (h *handlers) getProfile(w http.ResponseWriter, r *http.Request) {
	var p profile
	err := h.db.QueryRow(r.Context(), "SELECT id, display_name, locale FROM profiles WHERE id = $1", r.PathValue("id")).
		Scan(&p.ID, &p.DisplayName, &p.Locale)
	if err != nil {
		slog.ErrorContext(r.Context(), "load profile", "id", r.PathValue("id"), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(p)
}

func (h *handlers) patchProfile(w http.ResponseWriter, r *http.Request) {
	var p profile
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if _, err := h.db.Exec(r.Context(), "UPDATE profiles SET display_name = $2, locale = $3 WHERE id = $1",
		r.PathValue("id"), p.DisplayName, p.Locale); err != nil {
		slog.ErrorContext(r.Context(), "update profile", "id", r.PathValue("id"), "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
'''

TF = '''\
resource "google_cloud_run_v2_service" "profile_api" {
  name     = "profile-api"
  location = "us-central1"

  template {
    service_account                  = "profile-api@orbit-accounts.iam.gserviceaccount.com"
    max_instance_request_concurrency = 80

    scaling {
      min_instance_count = 2
      max_instance_count = 20
    }

    vpc_access {
      network_interfaces {
        network    = "shared-vpc"
        subnetwork = "run-us-central1"
      }
      egress = "PRIVATE_RANGES_ONLY"
    }

    containers {
      image = "us-central1-docker.pkg.dev/orbit-accounts/svc/profile-api:${var.tag}"
      env {
        name  = "DATABASE_URL"
        value = "postgres://profile@10.60.0.7:5432/profiles?pool_max_conns=10&sslmode=require"
      }
    }
  }
}
'''

DOCKERFILE = '''\
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /profile-api .

FROM gcr.io/distroless/static-debian12
COPY --from=build /profile-api /profile-api
ENTRYPOINT ["/profile-api"]
'''


def build() -> g.Case:
    c = g.Case("profile-db-connections", "profile-api: 500s on profile reads for half an hour",
               project="orbit-accounts", region="us-central1", target_type="service", target_name="profile-api",
               start="2026-06-22T06:45:00Z", end="2026-06-22T07:45:00Z", lang="en")
    c.add_files({"main.go": MAIN_GO, "handlers.go": HANDLERS_GO, "infra/cloud_run.tf": TF, "Dockerfile": DOCKERFILE,
                 "go.mod": "module example.com/profile-api\n\ngo 1.23\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n"})
    sa = "profile-api@orbit-accounts.iam.gserviceaccount.com"
    img = "us-central1-docker.pkg.dev/orbit-accounts/svc/profile-api:"
    env = {"DATABASE_URL": "postgres://profile@10.60.0.7:5432/profiles?pool_max_conns=10&sslmode=require"}
    cur, pre = "profile-api-00030-fej", "profile-api-00031-tuz"

    def tmpl(tag: str) -> dict:
        return g.template([g.container("profile-api-1", img + tag, env=env)], service_account=sa, min_instances=2,
                          max_instances=20)

    pre_msg = (f"Revision '{pre}' is not ready and cannot serve traffic. The user-provided container failed to start and listen "
               "on the port defined provided by the PORT=8080 environment variable within the allocated timeout. This can "
               "happen when the container port is misconfigured or if the timeout is too short. The health check timeout can "
               "be extended. Logs for this revision might contain more information.")
    pre_at = g.at(c.start, minutes=21)
    c.add_service("profile-api", [
        {"name": cur, "tmpl": tmpl("3.9.0"), "created": "2026-06-15T03:00:00Z"},
        {"name": pre, "tmpl": tmpl("pr-412"), "created": g.fmt_s(pre_at), "ready": False, "message": pre_msg,
         "reason": "HEALTH_CHECK_CONTAINER_ERROR"},
    ], traffic=[(cur, 100)], tags={pre: "preview"}, creator="terraform@orbit-accounts.iam.gserviceaccount.com",
        created="2025-01-10T00:00:00Z", client="terraform", last_modifier="li.wei@orbit.example")
    res = c.res("profile-api", cur)
    host = c.host("profile-api")
    insts = [c.logs.instance_id() for _ in range(3)]
    routes = [g.Route("GET", "/v1/profiles/u_{id}", 8, 12, {200: 0.99, 404: 0.01}), g.Route("PATCH", "/v1/profiles/u_{id}", 1, 20, {204: 1.0})]
    outage_a, outage_b = g.at(c.start, minutes=20, seconds=40), g.at(c.start, minutes=46, seconds=10)
    c.logs.traffic(res, c.start, outage_a, 200, routes, insts, host, agents=["orbit-ios/8.2", "orbit-android/8.2", "okhttp/4.12.0"])
    c.logs.traffic(res, outage_a, outage_b, 60, routes, insts, host, agents=["orbit-ios/8.2", "orbit-android/8.2"])
    c.logs.traffic(res, outage_b, c.end, 150, routes, insts, host, agents=["orbit-ios/8.2", "orbit-android/8.2", "okhttp/4.12.0"])
    errors = []
    texts = ["failed to connect to `user=profile database=profiles`: 10.60.0.7:5432 (10.60.0.7): server error: FATAL: remaining connection slots are reserved for non-replication superuser connections (SQLSTATE 53300)",
             "failed to connect to `user=profile database=profiles`: 10.60.0.7:5432 (10.60.0.7): server error: FATAL: sorry, too many clients already (SQLSTATE 53300)"]
    for _ in range(150):
        ts = g.at(outage_a, seconds=c.rng.random() * (outage_b - outage_a).total_seconds())
        inst = c.rng.choice(insts)
        trace = c.logs.trace()
        uid = c.rng.randint(1000, 99999)
        errors.append(c.logs.app(ts, res, inst, json={"time": g.fmt(ts), "level": "ERROR", "msg": "load profile", "id": f"u_{uid}",
                                                      "err": c.rng.choice(texts)}, severity="ERROR", trace=trace))
        c.logs.request(ts, res, inst, "GET", f"https://{host}/v1/profiles/u_{uid}", 500, c.rng.uniform(0.02, 0.3),
                       trace=trace, ended=True)
    # red herring: preview revision with no traffic failing to start
    r_pre = c.res("profile-api", pre)
    herring = []
    for k in range(2):
        inst = c.logs.instance_id()
        t0 = g.at(pre_at, seconds=4 + 245 * k)
        c.logs.system(t0, r_pre, inst, f"Starting new instance. Reason: {g.ROLLOUT}")
        c.logs.app(g.at(t0, seconds=0.4), r_pre, inst, json={"time": g.fmt(t0), "level": "INFO", "msg": "profile-api listening", "port": "9090"},
                   severity="INFO")
        herring.append(c.logs.system(g.at(t0, seconds=240.1), r_pre, inst, g.tcp_probe_failed("profile-api-1"), "ERROR"))
    c.logs.ready_event(g.at(pre_at, seconds=492), r_pre, pre, False, pre_msg)
    c.expect = {
        "root_causes": ["downstream-dependency"],
        "not_above": ["startup-probe-failure", "port-bind-mismatch"],
        "must_cite": [[f"run.googleapis.com/stdout#{i}" for i in errors]],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
