# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""shop-web: Cloud Build deploys the image before the `images:` list pushes it; the revision fails 'Image not found'.

Story: the team moved the push from an explicit step to the `images:` field
of cloudbuild.yaml. Cloud Build pushes `images:` only after all steps finish,
so the deploy step asks Cloud Run for a tag that does not exist yet. The new
revision fails with "Image ... not found", traffic stays on the old revision,
and the marketing team reports on Trello that the v2.4.0 banner is not live.
"""

from __future__ import annotations

from datetime import timedelta

import casegen as g

CLOUDBUILD = '''\
steps:
  - id: build
    name: gcr.io/cloud-builders/docker
    args: ["build", "-t", "asia-northeast1-docker.pkg.dev/$PROJECT_ID/web/shop-web:$TAG_NAME", "."]
  - id: deploy
    name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
    entrypoint: gcloud
    args:
      - run
      - deploy
      - shop-web
      - --image=asia-northeast1-docker.pkg.dev/$PROJECT_ID/web/shop-web:$TAG_NAME
      - --region=asia-northeast1
      - --min-instances=1
images:
  - asia-northeast1-docker.pkg.dev/$PROJECT_ID/web/shop-web:$TAG_NAME
options:
  logging: CLOUD_LOGGING_ONLY
'''

PAGE_TSX = '''\
import { Banner } from "../components/Banner";
import { ProductGrid } from "../components/ProductGrid";

export default async function Home() {
  const res = await fetch(`${process.env.CATALOG_API}/v1/products?featured=1`, { next: { revalidate: 60 } });
  const products = await res.json();
  return (
    <main>
      <Banner campaign="spring-sale-2026" />
      <ProductGrid products={products.items} />
    </main>
  );
}
'''

BANNER_TSX = '''\
export function Banner({ campaign }: { campaign: string }) {
  return (
    <section className="banner" data-campaign={campaign}>
      <h2>春の大感謝セール 最大40%OFF</h2>
    </section>
  );
}
'''

DOCKERFILE = '''\
FROM node:20-alpine AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
ENV HOSTNAME=0.0.0.0
CMD ["node", "server.js"]
'''


def build() -> g.Case:
    card = "Hk3vT9aQ"
    c = g.Case("web-image-not-found", "shop-web: v2.4.0 のリリースが本番に反映されない",
               project="sakura-shop-prod", region="asia-northeast1", target_type="service", target_name="shop-web",
               start="2026-03-02T00:30:00Z", end="2026-03-02T01:30:00Z", lang="ja",
               trello_card=f"https://trello.com/c/{card}")
    c.add_files({"cloudbuild.yaml": CLOUDBUILD, "app/page.tsx": PAGE_TSX, "components/Banner.tsx": BANNER_TSX,
                 "Dockerfile": DOCKERFILE, "next.config.js": 'module.exports = { output: "standalone" };\n',
                 "package.json": '{\n  "name": "shop-web",\n  "version": "2.4.0",\n  "scripts": {"build": "next build"},\n  "dependencies": {"next": "15.0.3", "react": "19.0.0", "react-dom": "19.0.0"}\n}\n'})
    img = "asia-northeast1-docker.pkg.dev/sakura-shop-prod/web/shop-web:"
    sa = "550066778899-compute@developer.gserviceaccount.com"
    old, new = "shop-web-00044-gop", "shop-web-00045-nav"
    deploy_at = g.at(c.start, minutes=11, seconds=37)
    msg = f"Revision '{new}' is not ready and cannot serve traffic. Image '{img}v2.4.0' not found."

    def tmpl(tag: str) -> dict:
        return g.template([g.container("shop-web-1", img + tag, memory="1Gi",
                                       env={"CATALOG_API": "https://catalog-api-uc3xk2ahba-an.a.run.app"})],
                          service_account=sa, min_instances=1, max_instances=40)

    builder = "550066778899@cloudbuild.gserviceaccount.com"
    c.add_service("shop-web", [
        {"name": old, "tmpl": tmpl("v2.3.2"), "created": "2026-02-20T02:00:41Z"},
        {"name": new, "tmpl": tmpl("v2.4.0"), "created": g.fmt_s(deploy_at), "ready": False, "message": msg,
         "reason": "CONTAINER_MISSING"},
    ], traffic=[(old, 100)], creator="yui.tanaka@sakura-shop.example", created="2024-12-01T00:00:00Z", ready=False,
        ready_message=msg, last_modifier=builder)
    r_old = c.res("shop-web", old)
    insts = [c.logs.instance_id(), c.logs.instance_id(), c.logs.instance_id()]
    routes = [g.Route("GET", "/", 5, 90), g.Route("GET", "/products/{id}", 6, 70, {200: 0.98, 404: 0.02}),
              g.Route("GET", "/_next/static/chunks/{id}.js", 8, 6)]
    c.logs.traffic(r_old, c.start, c.end, 560, routes, insts, c.host("shop-web"))
    act = c.logs.audit(deploy_at, c.res("shop-web"), method="google.cloud.run.v1.Services.ReplaceService", principal=builder,
                       resource_name="namespaces/sakura-shop-prod/services/shop-web",
                       user_agent="google-cloud-sdk gcloud/527.0.0 command/gcloud.run.deploy environment/GCE")
    ready = c.logs.ready_event(g.at(deploy_at, seconds=7.4), c.res("shop-web", new), new, False, msg)
    c.cards[card] = g.trello_card(card, name="v2.4.0 のバナーが本番に出ていない", board="Sakura Shop 運用",
                                  desc="本日 9:40 リリース予定の v2.4.0（春セールのバナー）がまだ本番に表示されていません。\n"
                                       "Cloud Build は緑になっていました。確認お願いします。",
                                  created=g.at(c.start, minutes=52),
                                  comments=[(g.at(c.start, minutes=55), "mika.ono", "ビルド履歴は SUCCESS です。ステップ deploy も 0 で終わっています。"),
                                            (g.at(c.start, minutes=58) + timedelta(seconds=20), "ren.kobayashi",
                                             "本番の URL を見ると旧バナーのままです。キャッシュではなさそうです。")],
                                  rng=c.rng)
    c.expect = {
        "root_causes": ["image-or-deploy-failure"],
        "must_cite": [
            [f"cloudaudit.googleapis.com/system_event#{ready}",
             f"{c.svc_name('shop-web')}/revisions/{new}#conditions[0].message", f"{c.svc_name('shop-web')}#terminalCondition"],
            [c.cite("cloudbuild.yaml", "images:"), c.cite("cloudbuild.yaml", "- --image=asia-northeast1"),
             c.cite("cloudbuild.yaml", "  - id: deploy")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    assert act
    return c
