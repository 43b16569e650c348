# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""storefront-api: a normal Tuesday hour. Nothing is wrong.

Story: the on-call was asked to double-check the hour after a partner said
"checkout felt slow". The service saw ordinary traffic: a few 404s from
scanners and stale links, one 401 from an expired token, one autoscaling cold
start, and request latencies in line with the rest of the week (monitoring
included). A correct report says the window is healthy and lists no cause
above low confidence.
"""

from __future__ import annotations

import casegen as g

MAIN_GO = '''\
package main

import (
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"context"
	"time"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	slog.SetDefault(logger)
	store := newStore(os.Getenv("FIRESTORE_PROJECT"))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/products", store.listProducts)
	mux.HandleFunc("GET /v1/products/{sku}", store.getProduct)
	mux.HandleFunc("POST /v1/carts/{id}/items", store.addToCart)
	srv := &http.Server{Addr: ":" + os.Getenv("PORT"), Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	go func() {
		if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			slog.Error("listen", "err", err)
			os.Exit(1)
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
}
'''

STORE_GO = '''\
package main

import (
	"encoding/json"
	"net/http"
)

type store struct{ project string }

func newStore(project string) *store { return &store{project: project} }

func (s *store) listProducts(w http.ResponseWriter, r *http.Request) {
	json.NewEncoder(w).Encode(map[string]any{"items": []any{}, "next": ""})
}

func (s *store) getProduct(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("sku") == "" {
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"sku": r.PathValue("sku")})
}

func (s *store) addToCart(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusCreated)
}
'''

TF = '''\
resource "google_cloud_run_v2_service" "storefront_api" {
  name     = "storefront-api"
  location = "us-central1"

  template {
    service_account                  = "storefront-api@greenleaf-shop.iam.gserviceaccount.com"
    max_instance_request_concurrency = 80
    timeout                          = "30s"

    scaling {
      min_instance_count = 2
      max_instance_count = 40
    }

    containers {
      image = "us-central1-docker.pkg.dev/greenleaf-shop/svc/storefront-api:${var.tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        startup_cpu_boost = true
      }
      env {
        name  = "FIRESTORE_PROJECT"
        value = "greenleaf-shop"
      }
    }
  }
}
'''


def build() -> g.Case:
    c = g.Case("storefront-healthy", "storefront-api: partner says checkout felt slow around 14:00",
               project="greenleaf-shop", region="us-central1", target_type="service", target_name="storefront-api",
               start="2026-09-15T13:30:00Z", end="2026-09-15T14:30:00Z", lang="en")
    c.add_files({"main.go": MAIN_GO, "store.go": STORE_GO, "infra/storefront.tf": TF,
                 "Dockerfile": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
                 "go.mod": "module example.com/storefront-api\n\ngo 1.23\n"})
    rev = "storefront-api-00102-yal"
    tmpl = g.template([g.container("storefront-api-1", "us-central1-docker.pkg.dev/greenleaf-shop/svc/storefront-api:5.0.4",
                                   boost=True, env={"FIRESTORE_PROJECT": "greenleaf-shop"})],
                      service_account="storefront-api@greenleaf-shop.iam.gserviceaccount.com", min_instances=2, max_instances=40,
                      timeout="30s")
    c.add_service("storefront-api", [{"name": rev, "tmpl": tmpl, "created": "2026-09-09T10:00:00Z"}], traffic=[(rev, 100)],
                  creator="terraform@greenleaf-shop.iam.gserviceaccount.com", created="2024-05-01T00:00:00Z", client="terraform")
    res = c.res("storefront-api", rev)
    host = c.host("storefront-api")
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    routes = [g.Route("GET", "/v1/products?category=tea", 4, 35), g.Route("GET", "/v1/products/sku-{id}", 6, 22, {200: 0.985, 404: 0.015}),
              g.Route("POST", "/v1/carts/c{id}/items", 2, 48, {201: 0.995, 401: 0.005})]
    c.logs.traffic(res, c.start, c.end, 560, routes, insts, host, app_log_rate=0.3)
    extra = c.logs.instance_id()
    c.logs.instance_start(g.at(c.start, minutes=31, seconds=12), res, extra, "storefront-api-1", ready_after_s=0.8)
    c.logs.traffic(res, g.at(c.start, minutes=31, seconds=14), g.at(c.start, minutes=52), 60, routes, [extra], host)
    for path in ("/wp-login.php", "/.env", "/xmlrpc.php"):
        c.logs.request(g.at(c.start, minutes=c.rng.random() * 60), res, c.rng.choice(insts), "GET", f"https://{host}{path}", 404, 0.002,
                       user_agent="Mozilla/5.0 (compatible; scanner/1.0)")
    lat, cnt = [], []
    t = c.start
    while t < c.end:
        nxt = g.at(t, minutes=5)
        lat.append((t, nxt, g.distribution([c.rng.lognormvariate(3.4, 0.45) for _ in range(50)], [10, 25, 50, 100, 250, 500, 1000])))
        cnt.append((t, nxt, 45 + c.rng.randint(-6, 6)))
        t = nxt
    c.timeseries += [g.series("run.googleapis.com/request_latencies", {"response_code_class": "2xx"}, res, "DELTA", "DISTRIBUTION", lat),
                     g.series("run.googleapis.com/request_count", {"response_code_class": "2xx", "response_code": "200"}, res, "DELTA", "INT64", cnt)]
    c.expect = {"root_causes": ["healthy"], "not_above": ["cold-start-latency"]}
    return c
