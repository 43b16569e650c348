# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""gallery-api: two independent faults in one window — OOM on ZIP downloads, and a config-refresh goroutine panic.

Story: (1) `GET /v1/albums/{id}/zip` builds the whole ZIP in a bytes.Buffer
before writing it; large albums push the 1 GiB instance over its limit and it
is killed (most of the 5xx). (2) A goroutine started at boot refreshes the
feature-flag config every 10 minutes and writes to a map that is nil when the
config service returns an empty `overrides` object; that panics and takes the
whole process down (`exit(2)`), twice in the window. Both must be reported;
memory is the larger impact.
"""

from __future__ import annotations

import casegen as g

MAIN_GO = '''\
package main

import (
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	flags := newFlagStore(os.Getenv("CONFIG_URL"))
	go flags.refreshEvery(10 * time.Minute)

	api := &api{photos: newPhotoStore(os.Getenv("PHOTO_BUCKET")), flags: flags}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/albums/{id}", api.album)
	mux.HandleFunc("GET /v1/albums/{id}/zip", api.albumZip)
	log.Printf("gallery-api listening on :%s", os.Getenv("PORT"))
	log.Fatal(http.ListenAndServe(":"+os.Getenv("PORT"), mux))
}
'''

ZIP_GO = '''\
package main

import (
	"archive/zip"
	"bytes"
	"net/http"
)

func (a *api) albumZip(w http.ResponseWriter, r *http.Request) {
	photos, err := a.photos.list(r.Context(), r.PathValue("id"))
	if err != nil {
		http.Error(w, "album not found", http.StatusNotFound)
		return
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range photos {
		f, _ := zw.Create(p.Name)
		data, err := a.photos.read(r.Context(), p.Name)
		if err != nil {
			http.Error(w, "read failed", http.StatusBadGateway)
			return
		}
		f.Write(data)
	}
	zw.Close()
	w.Header().Set("Content-Type", "application/zip")
	w.Write(buf.Bytes())
}
'''

FLAGS_GO = '''\
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"sync"
	"time"
)

type flagStore struct {
	url       string
	mu        sync.RWMutex
	overrides map[string]bool
}

type flagDoc struct {
	Defaults  map[string]bool `json:"defaults"`
	Overrides map[string]bool `json:"overrides"`
}

func newFlagStore(url string) *flagStore { return &flagStore{url: url, overrides: map[string]bool{}} }

func (s *flagStore) refreshEvery(every time.Duration) {
	for range time.Tick(every) {
		resp, err := http.Get(s.url)
		if err != nil {
			log.Printf("flag refresh: %v", err)
			continue
		}
		var doc flagDoc
		json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		s.mu.Lock()
		s.overrides = doc.Overrides
		for k, v := range doc.Defaults {
			s.overrides[k] = v
		}
		s.mu.Unlock()
	}
}
'''

WORKFLOW = '''\
name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions: {id-token: write, contents: read}
    steps:
      - uses: actions/checkout@v4
      - uses: google-github-actions/auth@v2
        with:
          workload_identity_provider: ${{ vars.WIF_PROVIDER }}
          service_account: deployer@hikari-photo.iam.gserviceaccount.com
      - uses: google-github-actions/deploy-cloudrun@v2
        with:
          service: gallery-api
          region: asia-northeast1
          source: .
          flags: --memory=1Gi --cpu=1 --concurrency=20 --max-instances=30
          env_vars: |
            PHOTO_BUCKET=hikari-photos
            CONFIG_URL=https://config-uc3xk2ahba-an.a.run.app/v1/flags/gallery
'''

PANIC = """\
panic: assignment to entry in nil map

goroutine 34 [running]:
main.(*flagStore).refreshEvery(0xc0001a6000, 0x8bb2c97000)
	/src/{flags_line} +0x2b5
created by main.main in goroutine 1
	/src/{main_line} +0x8c"""


def build() -> g.Case:
    c = g.Case("media-api-oom-and-panic", "gallery-api: 500/503 が断続的に発生",
               project="hikari-photo", region="asia-northeast1", target_type="service", target_name="gallery-api",
               start="2026-12-06T11:00:00Z", end="2026-12-06T12:30:00Z", lang="ja")
    c.add_files({"main.go": MAIN_GO, "zip.go": ZIP_GO, "flags.go": FLAGS_GO, ".github/workflows/deploy.yml": WORKFLOW,
                 "go.mod": "module example.com/gallery-api\n\ngo 1.23\n",
                 "Dockerfile": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /gallery-api .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /gallery-api /gallery-api\nENTRYPOINT [\"/gallery-api\"]\n"})
    rev = "gallery-api-00052-tis"
    env = {"PHOTO_BUCKET": "hikari-photos", "CONFIG_URL": "https://config-uc3xk2ahba-an.a.run.app/v1/flags/gallery"}
    tmpl = g.template([g.container("gallery-api-1", "asia-northeast1-docker.pkg.dev/hikari-photo/cloud-run-source-deploy/gallery-api:8e1b2c0",
                                   memory="1Gi", env=env)],
                      service_account="gallery-api@hikari-photo.iam.gserviceaccount.com", max_instances=30, concurrency=20)
    c.add_service("gallery-api", [{"name": rev, "tmpl": tmpl, "created": "2026-12-01T02:30:00Z"}], traffic=[(rev, 100)],
                  creator="deployer@hikari-photo.iam.gserviceaccount.com", created="2025-02-02T00:00:00Z")
    res = c.res("gallery-api", rev)
    host = c.host("gallery-api")
    insts = [c.logs.instance_id() for _ in range(3)]
    routes = [g.Route("GET", "/v1/albums/al{id}", 8, 40, {200: 0.98, 404: 0.02}), g.Route("GET", "/v1/albums/al{id}/zip", 1, 3500)]
    agents = ["hikari-web/9.0", "hikari-ios/9.0", "hikari-android/9.0"]
    c.logs.traffic(res, c.start, c.end, 520, routes, insts, host, agents=agents)
    oom, panics, exits = [], [], []
    events = [("oom", 9), ("oom", 17), ("panic", 24), ("oom", 33), ("oom", 41), ("oom", 52), ("panic", 64), ("oom", 70), ("oom", 83)]
    for n, (kind, minute) in enumerate(events):
        slot = n % 3
        victim = insts[slot]
        t = g.at(c.start, minutes=minute, seconds=c.rng.random() * 40)
        if kind == "oom":
            oom.append(c.logs.system(t, res, victim, g.oom_text(1024, 1031 + c.rng.randint(0, 60)), "ERROR"))
            c.logs.system(g.at(t, seconds=0.2), res, victim, "Container terminated on signal 9.", "WARNING")
            c.logs.request(g.at(t, seconds=0.3), res, victim, "GET", f"https://{host}/v1/albums/al{c.rng.randint(1000, 9999)}/zip", 500,
                           c.rng.uniform(8, 20), text=g.TXT_OOM_REQUEST, ended=True, user_agent=c.rng.choice(agents))
        else:
            text = PANIC.format(flags_line=c.cite("flags.go", "s.overrides[k] = v"),
                                main_line=c.cite("main.go", "go flags.refreshEvery"))
            panics.append(c.logs.app(t, res, victim, text, stream="stderr"))
            exits.append(c.logs.system(g.at(t, seconds=0.05), res, victim, "Container called exit(2).", "WARNING"))
        for _ in range(c.rng.randint(2, 5)):
            c.logs.request(g.at(t, seconds=0.3), res, victim, "GET", f"https://{host}/v1/albums/al{c.rng.randint(1000, 9999)}", 503,
                           c.rng.uniform(0.05, 1.5), text=g.TXT_MALFORMED, ended=True, user_agent=c.rng.choice(agents))
        fresh = c.logs.instance_id()
        c.logs.instance_start(g.at(t, seconds=1.2), res, fresh, "gallery-api-1", ready_after_s=0.5)
        insts[slot] = fresh
        c.logs.traffic(res, g.at(t, seconds=2), g.at(t, minutes=6), 12, routes, [fresh], host, agents=agents)
    c.expect = {
        "root_causes": ["memory-limit-exceeded"],
        "also": ["container-crash"],
        "must_cite": [
            [f"run.googleapis.com/varlog/system#{i}" for i in oom],
            [f"run.googleapis.com/stderr#{i}" for i in panics] + [f"run.googleapis.com/varlog/system#{i}" for i in exits],
            [c.cite("zip.go", "var buf bytes.Buffer"), c.cite("zip.go", "w.Write(buf.Bytes())")],
            [c.cite("flags.go", "s.overrides[k] = v"), c.cite("flags.go", "s.overrides = doc.Overrides")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    return c
