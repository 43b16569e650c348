-- Per-minute request counts by status, service and revision: what the digest's timeline,
-- status codes and revision/service rows are folded from (payload-less request entries only;
-- a request entry with a payload comes back as an entry and is folded like any other).
WITH {{logs}}
SELECT
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M', minute) AS minute, status, service, revision, n,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', first_ts) AS first_ts, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', last_ts) AS last_ts
FROM (
  SELECT minute, status, service, revision, COUNT(*) AS n, MIN(timestamp) AS first_ts, MAX(timestamp) AS last_ts
  FROM logs
  WHERE plain
  GROUP BY minute, status, service, revision
)
ORDER BY minute, status, service, revision
