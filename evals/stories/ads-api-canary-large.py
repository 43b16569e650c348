# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""ads-api (large, >=200k entries): a 10 % canary revision rejects bid requests whose geo.lat is a string.

Story: release 7.3.0 changed the OpenRTB Device.Geo struct from a lenient
decoder to typed float64 fields. Some SDKs send `"lat": "35.68"` as a string;
the canary revision answers those with 500. The canary took 10 % of traffic
at 06:12 via a traffic split (audit UpdateService); the stable revision keeps
serving without errors. The window is two busy hours (~30 rps) so the case is
large: written only by `generate_cases.py --large` into evals/.generated.
Red herrings: another service in the project (ads-reporting) is OOM-killed
in the window, and the stable revision had a burst of 504s three hours
before the window (a partner outage, resolved).
"""

from __future__ import annotations

import casegen as g

LARGE = True
REQUESTS = 204_000

MAIN_GO = '''\
package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"os"

	"example.com/ads-api/internal/openrtb"
)

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stdout, nil)))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /openrtb2/auction", auction)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	slog.Info("ads-api listening", "port", os.Getenv("PORT"))
	if err := http.ListenAndServe(":"+os.Getenv("PORT"), mux); err != nil {
		slog.Error("server", "err", err)
		os.Exit(1)
	}
}

func auction(w http.ResponseWriter, r *http.Request) {
	var req openrtb.BidRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		slog.ErrorContext(r.Context(), "bid request decode", "err", err.Error())
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	resp := openrtb.Auction(r.Context(), &req)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}
'''

OPENRTB_GO = '''\
package openrtb

import "context"

type BidRequest struct {
	ID     string  `json:"id"`
	Imp    []Imp   `json:"imp"`
	Device *Device `json:"device,omitempty"`
}

type Imp struct {
	ID       string  `json:"id"`
	BidFloor float64 `json:"bidfloor"`
}

type Device struct {
	UA  string `json:"ua"`
	Geo *Geo   `json:"geo,omitempty"`
}

type Geo struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	Country string  `json:"country"`
}

type BidResponse struct {
	ID      string `json:"id"`
	SeatBid []any  `json:"seatbid"`
}

func Auction(ctx context.Context, req *BidRequest) BidResponse {
	return BidResponse{ID: req.ID, SeatBid: []any{}}
}
'''

TF = '''\
resource "google_cloud_run_v2_service" "ads_api" {
  name     = "ads-api"
  location = "us-central1"

  template {
    service_account                  = "ads-api@adsmith-prod.iam.gserviceaccount.com"
    max_instance_request_concurrency = 250
    timeout                          = "10s"

    scaling {
      min_instance_count = 6
      max_instance_count = 60
    }

    containers {
      image = "us-central1-docker.pkg.dev/adsmith-prod/svc/ads-api:${var.tag}"
      resources {
        limits = {
          cpu    = "2"
          memory = "1Gi"
        }
        cpu_idle          = false
        startup_cpu_boost = true
      }
    }
  }

  traffic {
    type     = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
    revision = var.stable_revision
    percent  = 90
  }
  traffic {
    type     = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
    revision = var.canary_revision
    percent  = 10
    tag      = "canary"
  }
}
'''


def build() -> g.Case:
    c = g.Case("ads-api-canary-large", "ads-api: bid error rate up since the morning release",
               project="adsmith-prod", region="us-central1", target_type="service", target_name="ads-api",
               start="2026-08-25T06:00:00Z", end="2026-08-25T08:00:00Z", lang="en")
    c.add_files({"main.go": MAIN_GO, "internal/openrtb/openrtb.go": OPENRTB_GO, "infra/ads_api.tf": TF,
                 "go.mod": "module example.com/ads-api\n\ngo 1.23\n",
                 "Dockerfile": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /ads-api .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /ads-api /ads-api\nENTRYPOINT [\"/ads-api\"]\n"})
    sa = "ads-api@adsmith-prod.iam.gserviceaccount.com"
    img = "us-central1-docker.pkg.dev/adsmith-prod/svc/ads-api:"
    stable, canary = "ads-api-00310-kam", "ads-api-00311-zeb"
    split_at = g.at(c.start, minutes=12, seconds=5)

    def tmpl(tag: str) -> dict:
        return g.template([g.container("ads-api-1", img + tag, cpu="2", memory="1Gi", cpu_idle=False, boost=True)],
                          service_account=sa, min_instances=6, max_instances=60, concurrency=250, timeout="10s")

    tf = "terraform@adsmith-prod.iam.gserviceaccount.com"
    c.add_service("ads-api", [
        {"name": stable, "tmpl": tmpl("7.2.4"), "created": "2026-08-12T03:00:00Z"},
        {"name": canary, "tmpl": tmpl("7.3.0"), "created": g.fmt_s(g.at(split_at, minutes=-3))},
    ], traffic=[(stable, 90), (canary, 10)], tags={canary: "canary"}, creator=tf, created="2024-02-01T00:00:00Z",
        client="terraform")
    host = c.host("ads-api")
    r_s, r_c = c.res("ads-api", stable), c.res("ads-api", canary)
    route = [g.Route("POST", "/openrtb2/auction", 1, 14, {200: 0.93, 204: 0.07}, size=900)]
    agents = ["Go-http-client/1.1", "okhttp/4.12.0", "adx-exchange/3.2", "python-httpx/0.28.1"]
    i_s = [c.logs.instance_id() for _ in range(8)]
    i_c = [c.logs.instance_id() for _ in range(2)]
    c.logs.traffic(r_s, c.start, split_at, int(REQUESTS * 0.1), route, i_s, host, agents=agents)
    split = c.logs.audit(split_at, c.res("ads-api"), method="google.cloud.run.v2.Services.UpdateService", principal=tf,
                         resource_name=c.svc_name("ads-api"), user_agent="Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-google/6.12.0")
    for k, inst in enumerate(i_c):
        c.logs.instance_start(g.at(split_at, minutes=-3, seconds=5 + k), r_c, inst, "ads-api-1", reason=g.MIN_INSTANCE, ready_after_s=0.4)
    c.logs.traffic(r_s, split_at, c.end, int(REQUESTS * 0.81), route, i_s, host, agents=agents)
    canary_n = int(REQUESTS * 0.09)
    c.logs.traffic(r_c, split_at, c.end, int(canary_n * 0.7), route, i_c, host, agents=agents)
    decode_errs = []
    span = (c.end - split_at).total_seconds()
    for _ in range(canary_n - int(canary_n * 0.7)):
        ts = g.at(split_at, seconds=c.rng.random() * span)
        inst = c.rng.choice(i_c)
        trace = c.logs.trace()
        decode_errs.append(c.logs.app(ts, r_c, inst, json={"time": g.fmt(ts), "level": "ERROR", "msg": "bid request decode",
                                                           "err": "json: cannot unmarshal string into Go struct field Geo.device.geo.lat of type float64"},
                                      severity="ERROR", trace=trace))
        c.logs.request(ts, r_c, inst, "POST", f"https://{host}/openrtb2/auction", 500, c.rng.uniform(0.001, 0.004), trace=trace,
                       user_agent=c.rng.choice(agents), ended=True)
    # red herring 1: partner outage three hours before the window (504 on the stable revision)
    for _ in range(40):
        ts = g.at(c.start, hours=-3, minutes=c.rng.random() * 6)
        c.logs.request(ts, r_s, c.rng.choice(i_s), "POST", f"https://{host}/openrtb2/auction", 504, 10.0 + c.rng.random() * 0.002,
                       text=g.TXT_TIMEOUT, user_agent="adx-exchange/3.2")
    # red herring 2: another service OOM-killed in the window
    rep = c.res("ads-reporting", "ads-reporting-00021-vor")
    for k in range(6):
        inst = c.logs.instance_id()
        t0 = g.at(c.start, minutes=15 + 17 * k)
        c.logs.system(t0, rep, inst, g.oom_text(4096, 4102 + k), "ERROR")
        c.logs.system(g.at(t0, seconds=0.3), rep, inst, "Container terminated on signal 9.", "WARNING")
    c.expect = {
        "root_causes": ["bad-deploy-regression"],
        "not_above": ["memory-limit-exceeded", "request-timeout"],
        # (no log must_cite: any of ~18k decode errors is equally good and listing them all bloats case.yaml)
        "must_cite": [
            [f"cloudaudit.googleapis.com/activity#{split}", f"{c.svc_name('ads-api')}#traffic",
             f"{c.svc_name('ads-api')}#traffic[1].percent"],
            [c.cite("internal/openrtb/openrtb.go", "Lat     float64")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
