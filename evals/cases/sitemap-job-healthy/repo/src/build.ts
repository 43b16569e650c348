import { Firestore } from "@google-cloud/firestore";
import { Storage } from "@google-cloud/storage";

const db = new Firestore();
const bucket = new Storage().bucket(process.env.SITEMAP_BUCKET ?? "lumo-sitemaps");
const TASK = Number(process.env.CLOUD_RUN_TASK_INDEX ?? 0);
const TASKS = Number(process.env.CLOUD_RUN_TASK_COUNT ?? 1);

async function main() {
  const snap = await db.collection("products").where("shard", "==", TASK % TASKS).where("published", "==", true).get();
  const urls = snap.docs.map((d) => `<url><loc>https://lumo.example/p/${d.id}</loc></url>`);
  const xml = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join("")}</urlset>`;
  await bucket.file(`sitemap-${TASK}.xml`).save(xml, { contentType: "application/xml" });
  console.log(JSON.stringify({ severity: "INFO", message: `task ${TASK}: wrote ${urls.length} urls` }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
