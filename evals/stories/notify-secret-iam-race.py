# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""notify: a new Secret Manager env var and its IAM binding land in the same Terraform apply; the revision is refused.

Story: the team added Slack notifications. The Terraform change adds an env
var sourced from the new secret `slack-webhook-url` and a
`google_secret_manager_secret_iam_member` for the runtime service account,
but without `depends_on`, so Terraform updated the service first. Cloud Run
checked the secret before the binding existed and refused the revision
("Permission denied on secret"). The old revision keeps serving; the Slack
notifications the release was for never arrive.
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
	slack := os.Getenv("SLACK_WEBHOOK_URL")
	if slack == "" {
		log.Fatal("SLACK_WEBHOOK_URL is not set")
	}
	n := &notifier{slackURL: slack, mailFrom: os.Getenv("MAIL_FROM")}
	http.HandleFunc("POST /v1/notify", n.handle)
	log.Printf("notify listening on :%s", os.Getenv("PORT"))
	log.Fatal(http.ListenAndServe(":"+os.Getenv("PORT"), nil))
}
'''

NOTIFY_GO = '''\
package main

import (
	"bytes"
	"encoding/json"
	"net/http"
)

type notifier struct {
	slackURL string
	mailFrom string
}

type message struct {
	Channel string `json:"channel"`
	Text    string `json:"text"`
}

func (n *notifier) handle(w http.ResponseWriter, r *http.Request) {
	var m message
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	body, _ := json.Marshal(map[string]string{"text": m.Text})
	resp, err := http.Post(n.slackURL, "application/json", bytes.NewReader(body))
	if err != nil {
		http.Error(w, "slack unreachable", http.StatusBadGateway)
		return
	}
	resp.Body.Close()
	w.WriteHeader(http.StatusAccepted)
}
'''

TF = '''\
resource "google_secret_manager_secret" "slack_webhook" {
  secret_id = "slack-webhook-url"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "notify_slack" {
  secret_id = google_secret_manager_secret.slack_webhook.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_service_account" "notify" {
  account_id = "notify"
}

resource "google_cloud_run_v2_service" "notify" {
  name     = "notify"
  location = "asia-northeast1"

  template {
    service_account = google_service_account.notify.email

    containers {
      image = "asia-northeast1-docker.pkg.dev/minato-ops/svc/notify:${var.tag}"
      env {
        name  = "MAIL_FROM"
        value = "noreply@minato.example"
      }
      env {
        name = "SLACK_WEBHOOK_URL"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.slack_webhook.secret_id
            version = "latest"
          }
        }
      }
    }
  }
}
'''


def build() -> g.Case:
    c = g.Case("notify-secret-iam-race", "notify: Slack 通知のリリースが反映されない",
               project="minato-ops", region="asia-northeast1", target_type="service", target_name="notify",
               start="2027-03-10T02:00:00Z", end="2027-03-10T03:00:00Z", lang="ja")
    c.add_files({"main.go": MAIN_GO, "notify.go": NOTIFY_GO, "infra/notify.tf": TF, "go.mod": "module example.com/notify\n\ngo 1.23\n",
                 "Dockerfile": "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /notify .\n\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /notify /notify\nENTRYPOINT [\"/notify\"]\n"})
    sa = "notify@minato-ops.iam.gserviceaccount.com"
    img = "asia-northeast1-docker.pkg.dev/minato-ops/svc/notify:"
    old, new = "notify-00018-siv", "notify-00019-kap"
    apply_at = g.at(c.start, minutes=17, seconds=41)
    msg = ("spec.template.spec.containers[0].env[1].value_from.secret_key_ref.name: Permission denied on secret: "
           "projects/902211334455/secrets/slack-webhook-url/versions/latest for Revision service account "
           f"{sa}. The service account used must be granted the 'Secret Manager Secret Accessor' role "
           "(roles/secretmanager.secretAccessor) at the secret, project or higher level.")
    t_old = g.template([g.container("notify-1", img + "1.3.0", memory="256Mi", env={"MAIL_FROM": "noreply@minato.example"})],
                       service_account=sa)
    t_new = g.template([g.container("notify-1", img + "1.4.0", memory="256Mi", env={"MAIL_FROM": "noreply@minato.example"},
                                    secret_env={"SLACK_WEBHOOK_URL": ("slack-webhook-url", "latest")})], service_account=sa)
    tf = "terraform@minato-ops.iam.gserviceaccount.com"
    c.add_service("notify", [
        {"name": old, "tmpl": t_old, "created": "2027-02-20T03:00:00Z"},
        {"name": new, "tmpl": t_new, "created": g.fmt_s(apply_at), "ready": False, "message": msg, "reason": "SECRETS_ACCESS_CHECK_FAILED"},
    ], traffic=[(old, 100)], creator=tf, created="2025-08-08T00:00:00Z", client="terraform", ready=False, ready_message=msg)
    res = c.res("notify", old)
    host = c.host("notify")
    c.logs.traffic(res, c.start, c.end, 380, [g.Route("POST", "/v1/notify", 1, 220, {202: 0.99, 400: 0.01})],
                   [c.logs.instance_id()], host, agents=["minato-alerts/2.1", "Google-Cloud-Scheduler"])
    c.logs.audit(g.at(apply_at, seconds=-2), g.Res("audited_resource", {"project_id": "minato-ops", "service": "secretmanager.googleapis.com",
                                                                       "method": "google.cloud.secretmanager.v1.SecretManagerService.CreateSecret"}),
                 method="google.cloud.secretmanager.v1.SecretManagerService.CreateSecret", principal=tf,
                 resource_name="projects/902211334455/secrets/slack-webhook-url", service_name="secretmanager.googleapis.com",
                 user_agent="Terraform/1.10.2 (+https://www.terraform.io) terraform-provider-google/6.14.0")
    update = c.logs.audit(apply_at, c.res("notify"), method="google.cloud.run.v2.Services.UpdateService", principal=tf,
                          resource_name=c.svc_name("notify"),
                          user_agent="Terraform/1.10.2 (+https://www.terraform.io) terraform-provider-google/6.14.0")
    ready = c.logs.ready_event(g.at(apply_at, seconds=3.2), c.res("notify", new), new, False, msg)
    c.logs.audit(g.at(apply_at, seconds=4.8), g.Res("audited_resource", {"project_id": "minato-ops", "service": "secretmanager.googleapis.com",
                                                                        "method": "google.iam.v1.IAMPolicy.SetIamPolicy"}),
                 method="google.iam.v1.IAMPolicy.SetIamPolicy", principal=tf,
                 resource_name="projects/902211334455/secrets/slack-webhook-url", service_name="secretmanager.googleapis.com",
                 user_agent="Terraform/1.10.2 (+https://www.terraform.io) terraform-provider-google/6.14.0")
    c.expect = {
        "root_causes": ["missing-config-or-secret"],
        "must_cite": [
            [f"cloudaudit.googleapis.com/system_event#{ready}", f"{c.svc_name('notify')}/revisions/{new}#conditions[0].message",
             f"{c.svc_name('notify')}#terminalCondition"],
            [c.cite("infra/notify.tf", 'resource "google_secret_manager_secret_iam_member" "notify_slack"'),
             c.cite("infra/notify.tf", 'name = "SLACK_WEBHOOK_URL"')],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    assert update
    return c
