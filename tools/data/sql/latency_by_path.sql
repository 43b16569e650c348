-- Latency percentiles by path (id-like segments masked) and revision, busiest first. The quantiles
-- are computed once per group and indexed three times (three APPROX_QUANTILES calls cost three sketches).
WITH {{logs}}
SELECT revision, path, n, q[OFFSET(50)] AS p50_ms, q[OFFSET(95)] AS p95_ms, q[OFFSET(99)] AS p99_ms, max_ms
FROM (
  SELECT
    revision,
    REGEXP_REPLACE(REGEXP_EXTRACT(url, r'^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/]*)?([^?#]*)'), r'/[^/]*[0-9][^/]*', '/<ID>') AS path,
    COUNT(*) AS n,
    APPROX_QUANTILES(latency_ms, 100) AS q,
    MAX(latency_ms) AS max_ms
  FROM logs
  WHERE http_request IS NOT NULL AND latency_ms IS NOT NULL
  GROUP BY revision, path
)
ORDER BY n DESC, revision, path
LIMIT {{top}}
