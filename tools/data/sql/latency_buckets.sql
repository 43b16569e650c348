-- Request latency as the digest's log-bucket histogram (0.1 ms, ratio 1.05, 400 buckets:
-- the constants of tools/analysis/digest/latency.py), plus each bucket's largest value.
WITH {{logs}}
SELECT bucket, COUNT(*) AS n, MAX(latency_ms) AS max_ms
FROM (
  SELECT
    CASE WHEN latency_ms <= 0.1 THEN 0
         ELSE LEAST(CAST(FLOOR(LN(latency_ms / 0.1) / LN(1.05)) AS INT64) + 1, 399) END AS bucket,
    latency_ms
  FROM logs
  WHERE plain AND latency_ms IS NOT NULL AND latency_ms >= 0
)
GROUP BY bucket
ORDER BY bucket
