"""scan_repo catalog patterns for memory, cpu-heavy, blocking-call, long-request/polling, required-env,
crash/panic, gen1 sandbox limits, graceful shutdown and start-up work.

Every test writes a small tree into tmp_path, scans it and compares the exact set of
(path:line, category, pattern) in the categories it is about, so code that looks alike
but must not match (the negative half of each snippet) is checked by the same equality.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tools.errors import InputError
from tools.scan.code.patterns import parse_catalog
from tools.scan.code.scan_repo import scan_repo


def _scan(root: Path, files: dict[str, str], categories: set[str]) -> set[tuple[str, str, str]]:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    result = scan_repo(str(root))
    for finding in result["findings"]:  # the reported line is the construct itself
        line = (root / finding["path"]).read_text(encoding="utf-8").splitlines()[finding["line"] - 1]
        assert finding["snippet"] == line.strip()
    return {(f["raw_ref"], f["category"], f["pattern"]) for f in result["findings"] if f["category"] in categories}


# ---------------------------------------------------------------- memory

def test_python_result_sets_and_buffers(tmp_path):
    found = _scan(tmp_path, {"app.py": """
        import csv
        import io

        import pandas as pd


        @app.get("/export")
        def export():
            rows = cursor.fetchall()
            orders = list(session.query(Order).filter(Order.month == m))
            data = [dict(r) for r in cursor]
            buf = io.StringIO()
            writer = csv.writer(buf)
            frame = pd.read_sql("select * from orders", engine)
            lines = [dict(r) for r in db.fetch_lines(month)]
            return buf.getvalue()


        @app.get("/small")
        def small():
            batch = cursor.fetchmany(100)
            first = [r for r in cursor.fetchmany(10)]
            one = [c for c in cursor.fetchone()]
            names = [n.upper() for n in names_list]
            seeded = io.StringIO("header")
            # rows = cursor.fetchall()
            for chunk in pd.read_sql(query, engine, chunksize=1000):
                handle(chunk)
            return "rows = cursor.fetchall()"


        def log_capture():
            out = io.StringIO()
            return out
    """}, {"memory"})
    assert found == {
        ("app.py:9", "memory", "py-result-set-in-memory"),
        ("app.py:10", "memory", "py-result-set-in-memory"),
        ("app.py:11", "memory", "py-result-set-in-memory"),
        ("app.py:12", "memory", "py-in-memory-buffer"),
        ("app.py:14", "memory", "py-dataframe-whole-table"),
        ("app.py:15", "memory", "py-result-set-in-memory"),
    }


def test_go_java_node_payloads_in_memory(tmp_path):
    found = _scan(tmp_path, {
        "export.go": """
            package main

            func export(w http.ResponseWriter, r *http.Request) {
            \tvar buf bytes.Buffer
            \tcw := csv.NewWriter(&buf)
            \trecords, _ := csv.NewReader(r.Body).ReadAll()
            \t_ = records
            }

            func encode(v any) []byte {
            \tvar buf bytes.Buffer
            \tjson.NewEncoder(&buf).Encode(v)
            \treturn buf.Bytes()
            }
        """,
        "Export.java": """
            import java.io.ByteArrayOutputStream;

            class Export {
                byte[] build(InputStream in) throws IOException {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] body = in.readAllBytes();
                    return out.toByteArray();
                }
            }
        """,
        "upload.js": """
            async function collect(stream, db) {
              const chunks = [];
              for await (const c of stream) chunks.push(c);
              const body = Buffer.concat(chunks);
              const docs = await db.collection("orders").find({}).toArray();
              const one = Buffer.from("x");
              return [body, docs, one, list.toArray()];
            }
        """,
    }, {"memory"})
    assert found == {
        ("export.go:4", "memory", "go-bytes-buffer-payload"),
        ("export.go:6", "memory", "go-csv-read-all"),
        ("Export.java:5", "memory", "java-byte-array-buffer"),
        ("Export.java:6", "memory", "java-byte-array-buffer"),
        ("upload.js:4", "memory", "node-buffer-concat"),
        ("upload.js:5", "memory", "node-cursor-to-array"),
    }


# ---------------------------------------------------------------- cpu-heavy / blocking-call

def test_cpu_heavy_image_hashing_compression(tmp_path):
    found = _scan(tmp_path, {
        "thumbs.go": """
            package main

            func thumb(w http.ResponseWriter, r *http.Request) {
            \tdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
            \tjpeg.Encode(w, dst, &jpeg.Options{Quality: 85})
            \tjson.NewEncoder(w).Encode(meta)
            \thash, _ := bcrypt.GenerateFromPassword(pw, 12)
            \tzw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
            \tgz := gzip.NewWriter(w)
            }
        """,
        "img.py": """
            from PIL import Image


            def thumbnail(path, pw, data):
                img = Image.open(path)
                img.thumbnail((256, 256))
                hashed = bcrypt.hashpw(pw, bcrypt.gensalt())
                packed = zlib.compress(data)
                return img, hashed, packed
        """,
        "shape.py": """
            def reshape(arr):
                arr.resize((3, 4))
                return arr
        """,
        "img.js": """
            app.post("/thumb", async (req, res) => {
              const out = await sharp(req.body).resize(200).toBuffer();
              const ok = await bcrypt.compare(req.body.pw, hash);
              const bad = bcrypt.compareSync(req.body.pw, hash);
              res.send(out);
            });
        """,
    }, {"cpu-heavy"})
    assert found == {
        ("thumbs.go:4", "cpu-heavy", "go-image-processing"),
        ("thumbs.go:5", "cpu-heavy", "go-image-processing"),
        ("thumbs.go:7", "cpu-heavy", "password-hashing"),
        ("thumbs.go:8", "cpu-heavy", "compress-whole-payload"),
        ("img.py:6", "cpu-heavy", "py-image-processing"),
        ("img.py:7", "cpu-heavy", "password-hashing"),
        ("img.py:8", "cpu-heavy", "compress-whole-payload"),
        ("img.js:2", "cpu-heavy", "node-image-processing"),
        ("img.js:3", "cpu-heavy", "password-hashing"),
    }


def test_blocking_calls_on_an_event_loop(tmp_path):
    found = _scan(tmp_path, {
        "server.js": """
            const fs = require("fs");
            const template = fs.readFileSync("index.html", "utf8");

            app.post("/login", (req, res) => {
              const ok = bcrypt.compareSync(req.body.pw, hash);
              const sha = execSync("git rev-parse HEAD");
              writeFileSync("audit.log", sha);
            });

            function loadTemplates() {
              return fs.readFileSync("other.html", "utf8");
            }

            function writeFileSync(name, data) {
              return write(name, data);
            }
        """,
        "api.py": """
            @app.get("/a")
            async def a():
                time.sleep(1)
                r = requests.get(URL, timeout=5)

                def helper():
                    time.sleep(1)
                return r.json()


            @app.get("/b")
            def b():
                return requests.get(URL, timeout=5).json()
        """,
        "src/main.rs": """
            async fn handler() {
                std::thread::sleep(Duration::from_secs(1));
                tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_secs(1)));
            }

            fn sync_helper() {
                std::thread::sleep(Duration::from_secs(1));
            }
        """,
    }, {"blocking-call"})
    assert found == {
        ("server.js:5", "blocking-call", "node-sync-call-in-handler"),
        ("server.js:6", "blocking-call", "node-sync-call-in-handler"),
        ("server.js:7", "blocking-call", "node-sync-call-in-handler"),  # the call, not the definition (:14)
        ("api.py:3", "blocking-call", "py-blocking-call-in-async"),
        ("api.py:4", "blocking-call", "py-blocking-call-in-async"),
        ("src/main.rs:2", "blocking-call", "rust-blocking-call-in-async"),
    }


# ---------------------------------------------------------------- long-request / polling

def test_polling_sleeps_and_queries_per_iteration(tmp_path):
    found = _scan(tmp_path, {
        "poll.js": """
            app.get("/poll", async (req, res) => {
              const deadline = Date.now() + 25000;
              while (Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 500));
              }
              for (const id of req.body.ids) {
                const row = await pool.query("select * from items where id = $1", [id]);
              }
              const all = await Promise.all(ids.map(async (id) => await db.query("q", [id])));
              const one = await pool.query("select 1");
              res.json(all);
            });
        """,
        "jobs.py": """
            import time


            @app.post("/wait")
            def wait():
                deadline = time.time() + 20
                while time.time() < deadline:
                    if done():
                        break
                    time.sleep(0.5)
                for order_id in ids:
                    cur.execute("select * from lines where order_id = %s", (order_id,))
                return "ok"


            def retry_worker():
                time.sleep(5)
        """,
        "search.py": """
            @app.post("/search")
            def search():
                deadline = time.monotonic() + 2
                while time.monotonic() < deadline and frontier:
                    expand(frontier)
                return "ok"
        """,
        "main.go": """
            package main

            func handler(w http.ResponseWriter, r *http.Request) {
            \tfor _, id := range ids {
            \t\trow := db.QueryRowContext(r.Context(), "select name from t where id = $1", id)
            \t\tq := r.URL.Query()
            \t\t_, _ = row, q
            \t}
            \tfor {
            \t\tselect {
            \t\tcase <-time.After(time.Second):
            \t\t}
            \t}
            \ttime.Sleep(time.Second)
            }

            func refresh() {
            \tfor {
            \t\ttime.Sleep(time.Minute)
            \t\t<-time.After(time.Second)
            \t}
            }

            func routes() {
            \thttp.HandleFunc("/x", handler)
            }
        """,
    }, {"long-request", "polling"})
    assert found == {
        ("poll.js:3", "polling", "deadline-polling-loop"),
        ("poll.js:4", "long-request", "sleep-in-request-handler"),
        ("poll.js:7", "long-request", "node-query-per-loop-iteration"),
        ("jobs.py:7", "polling", "deadline-polling-loop"),
        ("jobs.py:10", "long-request", "sleep-in-request-handler"),
        ("jobs.py:12", "long-request", "py-query-per-loop-iteration"),
        ("main.go:5", "long-request", "go-query-per-loop-iteration"),
        ("main.go:11", "polling", "go-select-poll-loop"),
        ("main.go:14", "long-request", "sleep-in-request-handler"),
    }


# ---------------------------------------------------------------- required-env

def test_required_environment_variables(tmp_path):
    found = _scan(tmp_path, {
        "config.py": """
            import os

            DB_URL = os.environ["DATABASE_URL"]
            os.environ["DEBUG"] = "1"
            PORT = int(os.environ["PORT"])
            REGION = os.environ.get("REGION", "asia-northeast1")
            TOKEN = os.getenv("API_TOKEN")
            if not TOKEN:
                raise RuntimeError("API_TOKEN is required")
            NAME = os.getenv("NAME")
            if not NAME:
                NAME = "svc"
        """,
        "env.ts": """
            const key = process.env.API_KEY!;
            const port = process.env.PORT!;
            const secret = process.env.JWT_SECRET;
            if (!secret) throw new Error("JWT_SECRET missing");
            const region = process.env.REGION || "us";
            if (process.env.FLAG !== undefined) enable();
        """,
        "main.go": """
            package main

            func main() {
            \tdsn := os.Getenv("DATABASE_URL")
            \tif dsn == "" {
            \t\tlog.Fatal("DATABASE_URL must be set")
            \t}
            \taddr := os.Getenv("ADDR")
            \tif addr == "" {
            \t\taddr = ":8080"
            \t}
            \tkey := mustGetenv("SIGNING_KEY")
            \tlog.Fatal(http.ListenAndServe(addr, nil))
            }

            func mustGetenv(k string) string {
            \tv := os.Getenv(k)
            \tif v == "" {
            \t\tlog.Fatalf("%s is required", k)
            \t}
            \treturn v
            }
        """,
        "src/config.rs": """
            pub fn load() -> Config {
                let url = std::env::var("DATABASE_URL").expect("DATABASE_URL must be set");
                let port = env::var("PORT").unwrap();
                let level = env::var("LOG_LEVEL").unwrap_or_else(|_| "info".into());
                let bucket = env::var("BUCKET")
                    .unwrap();
                Config { url, port, level, bucket }
            }
        """,
        "Config.java": """
            class Config {
                String bucket = Objects.requireNonNull(System.getenv("BUCKET"), "BUCKET");
                String optional = System.getenv("OPTIONAL");
            }
        """,
    }, {"required-env", "crash"})
    assert found == {
        ("config.py:3", "required-env", "py-environ-required"),
        ("config.py:7", "required-env", "py-getenv-required"),
        ("env.ts:1", "required-env", "node-env-non-null-required"),
        ("env.ts:3", "required-env", "node-env-required-throw"),
        ("main.go:4", "required-env", "go-getenv-required"),
        ("main.go:12", "required-env", "env-helper-required"),
        ("src/config.rs:2", "required-env", "rust-env-var-required"),
        ("src/config.rs:5", "required-env", "rust-env-var-required"),
        ("Config.java:2", "required-env", "java-getenv-required"),
    }


# ---------------------------------------------------------------- crash / panic

def test_exits_and_panics_outside_startup(tmp_path):
    found = _scan(tmp_path, {
        "server.js": """
            process.on("uncaughtException", () => process.exit(1));
            app.post("/hook", (req, res) => {
              if (!req.body) process.exit(1);
              res.end();
            });
        """,
        "app.py": """
            import sys


            @app.post("/reset")
            def reset():
                sys.exit(1)


            if __name__ == "__main__":
                sys.exit(main())
        """,
        "worker.go": """
            package main

            func main() {
            \tlog.Fatal(run())
            }

            func init() {
            \tpanic("boot")
            }

            func consume() {
            \tlog.Fatalf("queue closed")
            \tpanic("unknown kind")
            }

            func MustLoad() Config {
            \tpanic("no config")
            }
        """,
        "worker_test.go": """
            package main

            func helper() { panic("in a test") }
        """,
        "src/lib.rs": """
            pub fn handle(kind: u8) {
                match kind {
                    0 => panic!("bad kind"),
                    1 => todo!(),
                    _ => unreachable!(),
                }
            }

            fn main() {
                panic!("startup");
            }

            #[cfg(test)]
            mod tests {
                fn t() { panic!("test"); }
            }
        """,
        "tests/it.rs": """
            fn it() { panic!("integration"); }
        """,
    }, {"crash", "panic"})
    assert found == {
        ("server.js:3", "crash", "exit-in-request-handler"),
        ("app.py:6", "crash", "exit-in-request-handler"),
        ("worker.go:12", "crash", "go-fatal-outside-main"),
        ("worker.go:13", "panic", "go-panic-outside-main"),
        ("src/lib.rs:3", "panic", "rust-panic"),
        ("src/lib.rs:4", "panic", "rust-panic"),
    }


# ---------------------------------------------------------------- gen1 sandbox limits

def test_mounts_and_syscalls_gen1_does_not_support(tmp_path):
    found = _scan(tmp_path, {
        "run.sh": """
            #!/bin/sh
            set -e
            # mount -t nfs 10.0.0.2:/share /mnt/share
            mount -t nfs -o nolock 10.0.0.2:/share /mnt/share
            gcsfuse --implicit-dirs "$BUCKET" /mnt/gcs
            mount --bind /data /srv/data
            umount /mnt/old || true
            echo "mounted"
            exec python app.py
        """,
        "docker-entrypoint": """
            #!/bin/bash
            gcsfuse my-bucket /mnt/bucket
        """,
        "Dockerfile": """
            FROM python:3.12
            RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
            RUN apt-get install -y gcsfuse fuse
            CMD ["./run.sh"]
        """,
        "Cargo.toml": """
            [dependencies]
            tokio-uring = "0.4"
        """,
        "sandbox.go": """
            package main

            func isolate() error {
            \t// ptrace is not used here
            \treturn syscall.Unshare(syscall.CLONE_NEWNS)
            }
        """,
        "limits.py": """
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            during = "io during upload"
        """,
    }, {"nfs", "filesystem", "syscall"})
    assert found == {
        ("run.sh:4", "nfs", "nfs-mount"),
        ("run.sh:5", "filesystem", "fuse-mount"),
        ("run.sh:6", "filesystem", "mount-in-entrypoint"),
        ("docker-entrypoint:2", "filesystem", "fuse-mount"),
        ("Cargo.toml:2", "syscall", "gen1-unsupported-syscall"),
        ("sandbox.go:5", "syscall", "gen1-unsupported-syscall"),
        ("limits.py:4", "syscall", "gen1-unsupported-syscall"),
    }


# ---------------------------------------------------------------- graceful shutdown

RUST_SERVE = """
    async fn main() {
        tokio::spawn(async { tokio::signal::ctrl_c().await.ok(); });
        axum::serve(listener, app).await.unwrap();
    }
"""


def test_server_without_graceful_shutdown_where_signals_are_handled(tmp_path):
    found = _scan(tmp_path, {
        "src/main.rs": RUST_SERVE,
        "go/signals.go": """
            package main

            func main() {
            \tsig := make(chan os.Signal, 1)
            \tsignal.Notify(sig, syscall.SIGTERM)
            \tgo serve()
            \t<-sig
            }
        """,
        "go/server.go": """
            package main

            func serve() {
            \tlog.Print(http.ListenAndServe(":8080", mux))
            }
        """,
    }, {"signal-handling"})
    assert found == {
        ("src/main.rs:2", "signal-handling", "sigterm-handler"),
        ("src/main.rs:3", "signal-handling", "graceful-shutdown-missing-axum"),
        ("go/signals.go:5", "signal-handling", "sigterm-handler"),
        ("go/server.go:4", "signal-handling", "graceful-shutdown-missing-go"),
    }


def test_graceful_shutdown_present_or_entry_point_already_reported(tmp_path):
    # no signal handling at all: the entry point's sigterm-absent, and the serve line where the fix goes
    bare = _scan(tmp_path / "a", {"src/main.rs": """
        async fn main() {
            axum::serve(listener, app).await.unwrap();
        }
    """}, {"signal-handling"})
    assert bare == {("src/main.rs:1", "signal-handling", "sigterm-absent"),
                    ("src/main.rs:2", "signal-handling", "graceful-shutdown-missing-axum")}
    # graceful shutdown on a following line of the same statement
    chained = _scan(tmp_path / "b", {"src/main.rs": """
        async fn main() {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .unwrap();
        }
        async fn shutdown_signal() { tokio::signal::ctrl_c().await.ok(); }
    """}, {"signal-handling"})
    assert chained == {
        ("src/main.rs:3", "signal-handling", "sigterm-handler"),
        ("src/main.rs:7", "signal-handling", "sigterm-handler"),
    }
    # the server is shut down in the same file
    shut_down = _scan(tmp_path / "c", {"main.go": """
        package main

        func main() {
        \tsrv := &http.Server{Addr: ":8080"}
        \tgo srv.ListenAndServe()
        \tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
        \t<-ctx.Done()
        \tstop()
        \tsrv.Shutdown(context.Background())
        }
    """}, {"signal-handling"})
    assert shut_down == {("main.go:6", "signal-handling", "sigterm-handler")}


# ---------------------------------------------------------------- startup

def test_heavy_work_before_the_server_binds(tmp_path):
    found = _scan(tmp_path, {
        "model.py": """
            from sentence_transformers import SentenceTransformer

            MODEL = SentenceTransformer("all-MiniLM-L6-v2")
            blob.download_to_filename("/models/index.bin")
            # model = load_model("m.h5")


            def predict(x):
                weights = torch.load("m.pt")
                return weights(x)


            if __name__ == "__main__":
                model = load_model("m.h5")
        """,
        "boot.mjs": """
            const model = await loadModel("gs://models/m.onnx");
            export const flags = await fetch(FLAGS_URL).then((r) => r.json());

            export async function handler(req) {
              const x = await fetch(req.url);
              return x;
            }
        """,
        "init.go": """
            package main

            func init() {
            \tclient, err := storage.NewClient(context.Background())
            \t_, _ = client, err
            }

            func setup() {
            \tclient, err := storage.NewClient(context.Background())
            \t_, _ = client, err
            }
        """,
    }, {"startup"})
    assert found == {
        ("model.py:3", "startup", "py-module-level-model-load"),
        ("model.py:4", "startup", "py-module-level-model-load"),
        ("model.py:9", "startup", "heavy-load"),  # inside a function: the existing pattern, not module level
        ("boot.mjs:1", "startup", "node-top-level-await-download"),
        ("boot.mjs:2", "startup", "node-top-level-await-download"),
        ("init.go:4", "startup", "go-init-network-call"),
    }


# ---------------------------------------------------------------- background-work precision

def test_an_awaited_timer_is_a_wait_not_background_work(tmp_path):
    found = _scan(tmp_path, {"server.js": """
        app.post("/jobs", async (req, res) => {
          setTimeout(() => process(req.body), 10);
          await new Promise((resolve) => setTimeout(resolve, 500));
          res.end();
        });
    """}, {"background-work", "long-request"})
    assert found == {
        ("server.js:2", "background-work", "node-set-timeout"),
        ("server.js:3", "long-request", "sleep-in-request-handler"),
    }


# ---------------------------------------------------------------- catalog conditions

def test_new_catalog_conditions_are_validated():
    base = {"languages": {"python": {"globs": ["*.py"], "grammar": "tree_sitter_python:language"},
                          "shell": {"globs": ["*.sh"]}}}
    good = {"id": "x", "category": "memory", "languages": ["python"], "regex": "a", "detail": "d"}
    parsed = parse_catalog({**base, "entry_point_skip_globs": ["tests/*"], "patterns": [
        {**good, "only_if": "b", "only_if_lines": "file", "in_request_path": [True, None], "services_only": True}]})
    pattern = parsed.patterns[0]
    assert pattern.only_if_lines == -1 and pattern.in_request_path == (True, None)
    assert pattern.skip_globs == ("tests/*",)
    assert pattern.place_allows("app.py", None, True) and not pattern.place_allows("app.py", None, False)
    assert not pattern.place_allows("tests/a.py", None, True)
    assert pattern.text_allows(b"a", 1, [b"a", b"x", b"b"]) and not pattern.text_allows(b"a", 1, [b"a"])
    for bad, message in [
        ({**good, "only_if_lines": -2}, "only_if_lines"),
        ({**good, "in_request_path": "yes"}, "in_request_path"),
        ({**good, "only_if": "("}, "bad regex"),
        ({**good, "languages": ["shell"], "inside": ["for_statement"]}, "grammar"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_catalog({**base, "patterns": [bad]})
