# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""thumbnailer: 80 concurrent CPU-bound resizes per 1-vCPU instance; latency climbs from 0.4 s to 15 s.

Story: the thumbnail service resizes uploads with a pure-Go Catmull-Rom
scaler (~350 ms of CPU each). It runs with concurrency 80 on 1 vCPU and a
max of 4 instances (cost cap). When the spring campaign starts at 10:00 the
request rate triples; the instances stay at 4, each one runs dozens of
resizes at once and every request gets slower. There are no errors, only
latency; monitoring shows CPU pinned at 100 % and 60-80 concurrent requests
per instance.
"""

from __future__ import annotations

import casegen as g

MAIN_GO = '''\
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("POST /v1/thumbnails", thumbnailHandler)
	http.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	port := os.Getenv("PORT")
	log.Printf("thumbnailer listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
'''

RESIZE_GO = '''\
package main

import (
	"image"
	_ "image/jpeg"
	"image/png"
	"net/http"
	"strconv"

	"golang.org/x/image/draw"
)

func thumbnailHandler(w http.ResponseWriter, r *http.Request) {
	src, _, err := image.Decode(http.MaxBytesReader(w, r.Body, 20<<20))
	if err != nil {
		http.Error(w, "not an image", http.StatusBadRequest)
		return
	}
	width, _ := strconv.Atoi(r.URL.Query().Get("w"))
	if width <= 0 || width > 2048 {
		width = 320
	}
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, width, b.Dy()*width/b.Dx()))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	w.Header().Set("Content-Type", "image/png")
	png.Encode(w, dst)
}
'''

TF = '''\
resource "google_cloud_run_v2_service" "thumbnailer" {
  name     = "thumbnailer"
  location = "asia-northeast1"

  template {
    service_account                  = "thumbnailer@kumo-photo.iam.gserviceaccount.com"
    max_instance_request_concurrency = 80

    scaling {
      max_instance_count = 4 # cost cap agreed with finance (2025-11)
    }

    containers {
      image = "asia-northeast1-docker.pkg.dev/kumo-photo/svc/thumbnailer:${var.tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "2Gi"
        }
      }
    }
  }
}
'''

DOCKERFILE = '''\
FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /thumbnailer .

FROM gcr.io/distroless/static-debian12
COPY --from=build /thumbnailer /thumbnailer
ENTRYPOINT ["/thumbnailer"]
'''


def build() -> g.Case:
    c = g.Case("thumbs-concurrency", "thumbnailer: キャンペーン開始後にサムネイル生成が極端に遅い",
               project="kumo-photo", region="asia-northeast1", target_type="service", target_name="thumbnailer",
               start="2026-04-20T09:30:00Z", end="2026-04-20T11:00:00Z", lang="ja")
    c.add_files({"main.go": MAIN_GO, "resize.go": RESIZE_GO, "infra/thumbnailer.tf": TF, "Dockerfile": DOCKERFILE,
                 "go.mod": "module example.com/thumbnailer\n\ngo 1.23\n\nrequire golang.org/x/image v0.22.0\n"})
    rev = "thumbnailer-00019-gax"
    tmpl = g.template([g.container("thumbnailer-1", "asia-northeast1-docker.pkg.dev/kumo-photo/svc/thumbnailer:1.6.1", memory="2Gi")],
                      service_account="thumbnailer@kumo-photo.iam.gserviceaccount.com", max_instances=4, concurrency=80)
    c.add_service("thumbnailer", [{"name": rev, "tmpl": tmpl, "created": "2026-04-02T05:00:00Z"}], traffic=[(rev, 100)],
                  creator="terraform@kumo-photo.iam.gserviceaccount.com", created="2025-03-15T00:00:00Z", client="terraform")
    res = c.res("thumbnailer", rev)
    host = c.host("thumbnailer")
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    campaign = g.at(c.start, minutes=30)
    c.logs.traffic(res, c.start, campaign, 170, [g.Route("POST", "/v1/thumbnails?w=320", 3, 420), g.Route("POST", "/v1/thumbnails?w=1024", 1, 900)],
                   insts, host, agents=["kumo-app/7.3 (iOS)", "kumo-app/7.3 (Android)"])
    more = insts + [c.logs.instance_id(), c.logs.instance_id()]
    for k, inst in enumerate(more[2:]):
        c.logs.instance_start(g.at(campaign, seconds=40 + 30 * k), res, inst, "thumbnailer-1", ready_after_s=0.4)
    slow = []
    span = (c.end - campaign).total_seconds()
    for _ in range(430):
        off = c.rng.random() * span
        ramp = min(1.0, off / 900)
        lat = (0.5 + ramp * 11) * c.rng.lognormvariate(0, 0.35)
        ts = g.at(campaign, seconds=off)
        wide = c.rng.random() < 0.25
        rid = c.logs.request(ts, res, c.rng.choice(more), "POST", f"https://{host}/v1/thumbnails?w={1024 if wide else 320}", 200,
                             lat * (2 if wide else 1), user_agent=c.rng.choice(["kumo-app/7.3 (iOS)", "kumo-app/7.3 (Android)"]))
        if lat > 8:
            slow.append(rid)
    c.logs.request(g.at(campaign, minutes=9), res, more[1], "POST", f"https://{host}/v1/thumbnails?w=320", 400, 0.01)
    # monitoring, 5-minute points
    cpu, conc, lat_pts, inst_pts = [], [], [], []
    t = c.start
    while t < c.end:
        nxt = g.at(t, minutes=5)
        busy = t >= campaign
        ramp = min(1.0, max(0.0, (t - campaign).total_seconds() / 900)) if busy else 0.0
        cpu.append((t, nxt, g.distribution([min(1.0, (0.35 + 0.64 * ramp if busy else 0.3) + c.rng.uniform(-0.03, 0.01)) for _ in range(20)],
                                           [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])))
        conc.append((t, nxt, g.distribution([max(1, int((6 + 70 * ramp) * c.rng.uniform(0.8, 1.1))) for _ in range(20)],
                                            [1, 2, 4, 8, 16, 32, 64, 100])))
        lat_pts.append((t, nxt, g.distribution([1000 * (0.5 + ramp * 11) * c.rng.lognormvariate(0, 0.35) for _ in range(40)],
                                               [250, 500, 1000, 2000, 4000, 8000, 16000, 32000])))
        inst_pts.append((t, nxt, 4 if busy else 2))
        t = nxt
    c.timeseries += [
        g.series("run.googleapis.com/container/cpu/utilizations", {}, res, "DELTA", "DISTRIBUTION", cpu),
        g.series("run.googleapis.com/container/max_request_concurrencies", {}, res, "DELTA", "DISTRIBUTION", conc),
        g.series("run.googleapis.com/request_latencies", {"response_code_class": "2xx"}, res, "DELTA", "DISTRIBUTION", lat_pts),
        g.series("run.googleapis.com/container/instance_count", {"state": "active"}, res, "GAUGE", "INT64", inst_pts),
    ]
    c.expect = {
        "root_causes": ["concurrency-overload"],
        "must_cite": [
            [f"{c.svc_name('thumbnailer')}#template.maxInstanceRequestConcurrency",
             c.cite("infra/thumbnailer.tf", "max_instance_request_concurrency = 80")],
            [c.cite("resize.go", "draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)")],
        ],
    }
    return c
