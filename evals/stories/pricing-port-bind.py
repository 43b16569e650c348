# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""pricing: a config refactor made the Go server listen on 127.0.0.1, so the new revision never became ready.

Story: a release moved flag parsing into internal/config and the default
listen address became `127.0.0.1:8080` (copied from the local docker-compose
setup). Cloud Build ran `gcloud run deploy`; the new revision failed its
default TCP startup probe and Cloud Run kept 100 % of traffic on the previous
revision. The release manager asks why the price change is not live.
"""

from __future__ import annotations

import casegen as g

MAIN_GO = '''\
package main

import (
	"log"
	"net/http"

	"example.com/pricing/internal/config"
	"example.com/pricing/internal/quote"
)

func main() {
	cfg := config.Load()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/quote", quote.Handler(cfg))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })
	log.Printf("pricing listening on %s", cfg.ListenAddr)
	log.Fatal(http.ListenAndServe(cfg.ListenAddr, mux))
}
'''

CONFIG_GO = '''\
package config

import (
	"flag"
	"os"
)

type Config struct {
	ListenAddr   string
	RatesBucket  string
	CurrencyBase string
}

func Load() Config {
	var cfg Config
	flag.StringVar(&cfg.ListenAddr, "listen", "127.0.0.1:8080", "address to listen on")
	flag.StringVar(&cfg.RatesBucket, "rates-bucket", os.Getenv("RATES_BUCKET"), "GCS bucket with FX rates")
	flag.StringVar(&cfg.CurrencyBase, "base", "JPY", "base currency")
	flag.Parse()
	return cfg
}
'''

QUOTE_GO = '''\
package quote

import (
	"encoding/json"
	"net/http"
	"strconv"

	"example.com/pricing/internal/config"
)

func Handler(cfg config.Config) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		amount, err := strconv.ParseFloat(r.URL.Query().Get("amount"), 64)
		if err != nil {
			http.Error(w, "amount must be a number", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"base": cfg.CurrencyBase, "amount": amount, "tax": amount * 0.1})
	}
}
'''

CLOUDBUILD = '''\
steps:
  - name: gcr.io/cloud-builders/docker
    args: ["build", "-t", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/svc/pricing:$SHORT_SHA", "."]
  - name: gcr.io/cloud-builders/docker
    args: ["push", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/svc/pricing:$SHORT_SHA"]
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
    entrypoint: gcloud
    args:
      - run
      - deploy
      - pricing
      - --image=asia-northeast1-docker.pkg.dev/$PROJECT_ID/svc/pricing:$SHORT_SHA
      - --region=asia-northeast1
      - --port=8080
      - --set-env-vars=RATES_BUCKET=tabi-fx-rates
options:
  logging: CLOUD_LOGGING_ONLY
'''

DOCKERFILE = '''\
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /pricing .

FROM gcr.io/distroless/static-debian12
COPY --from=build /pricing /pricing
ENTRYPOINT ["/pricing"]
'''


def build() -> g.Case:
    c = g.Case("pricing-port-bind", "pricing: 新リビジョンがデプロイできず価格改定が反映されない",
               project="tabi-pay-prod", region="asia-northeast1", target_type="service", target_name="pricing",
               start="2026-02-18T05:00:00Z", end="2026-02-18T06:00:00Z", lang="ja")
    c.add_files({"main.go": MAIN_GO, "internal/config/config.go": CONFIG_GO, "internal/quote/quote.go": QUOTE_GO,
                 "cloudbuild.yaml": CLOUDBUILD, "Dockerfile": DOCKERFILE, "go.mod": "module example.com/pricing\n\ngo 1.23\n"})
    sa = "pricing-run@tabi-pay-prod.iam.gserviceaccount.com"
    image = "asia-northeast1-docker.pkg.dev/tabi-pay-prod/svc/pricing:"
    old, new = "pricing-00012-fah", "pricing-00013-xob"
    env = {"RATES_BUCKET": "tabi-fx-rates"}

    def tmpl(tag: str) -> dict:
        return g.template([g.container("pricing-1", image + tag, memory="256Mi", env=env)], service_account=sa,
                          max_instances=10)

    msg = (f"Revision '{new}' is not ready and cannot serve traffic. The user-provided container failed to start and "
           "listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout. "
           "This can happen when the container port is misconfigured or if the timeout is too short. The health check "
           "timeout can be extended. Logs for this revision might contain more information.")
    deploy_at = g.at(c.start, minutes=14, seconds=22)
    builder = "412998771003@cloudbuild.gserviceaccount.com"
    c.add_service("pricing", [
        {"name": old, "tmpl": tmpl("a81c3d0"), "created": "2026-02-10T02:31:05Z"},
        {"name": new, "tmpl": tmpl("e7f90b2"), "created": g.fmt_s(deploy_at), "ready": False, "message": msg,
         "reason": "HEALTH_CHECK_CONTAINER_ERROR"},
    ], traffic=[(old, 100)], creator="kenji.sato@tabi-pay.example", created="2025-04-22T01:00:00Z", ready=False,
        ready_message=msg, last_modifier=builder)

    res_old = c.res("pricing", old)
    host = c.host("pricing")
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    c.logs.traffic(res_old, c.start, c.end, 560, [g.Route("GET", "/v1/quote?amount={id}", 9, 8),
                                                    g.Route("GET", "/v1/quote?amount=abc", 0.2, 3, {400: 1.0})],
                   insts, host, agents=["Go-http-client/2.0", "okhttp/4.12.0"])
    svc_res = c.res("pricing")
    deploy_id = c.logs.audit(deploy_at, svc_res, method="google.cloud.run.v1.Services.ReplaceService", principal=builder,
                             resource_name="namespaces/tabi-pay-prod/services/pricing",
                             user_agent="google-cloud-sdk gcloud/527.0.0 command/gcloud.run.deploy invocation-id/3f0c environment/GCE")
    res_new = c.res("pricing", new)
    probe_ids, listen_ids = [], []
    for k in range(2):
        inst = c.logs.instance_id()
        t0 = g.at(deploy_at, seconds=6 + k * 251)
        c.logs.system(t0, res_new, inst, f"Starting new instance. Reason: {g.ROLLOUT}")
        listen_ids.append(c.logs.app(g.at(t0, seconds=0.8), res_new, inst, t0.strftime("%Y/%m/%d %H:%M:%S") + " pricing listening on 127.0.0.1:8080",
                                     stream="stderr"))
        probe_ids.append(c.logs.system(g.at(t0, seconds=240.4), res_new, inst, g.tcp_probe_failed("pricing-1", 8080), "ERROR"))
    ready_id = c.logs.ready_event(g.at(deploy_at, seconds=494), res_new, new, False, msg)
    c.expect = {
        "root_causes": ["port-bind-mismatch"],
        "must_cite": [
            [c.cite("internal/config/config.go", '"127.0.0.1:8080"'), c.cite("main.go", "http.ListenAndServe(cfg.ListenAddr, mux)")],
            [f"run.googleapis.com/varlog/system#{i}" for i in probe_ids]
            + [f"cloudaudit.googleapis.com/system_event#{ready_id}"]
            + [f"run.googleapis.com/stderr#{i}" for i in listen_ids]
            + [f"{c.svc_name('pricing')}/revisions/{new}#conditions[0].message"],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    assert deploy_id
    return c
