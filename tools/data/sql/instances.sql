-- Per-instance lifecycle rows: first and last entry, requests, 5xx, error lines and
-- "Starting new instance" lines of each container instance, in order of appearance.
WITH {{logs}}
SELECT
  instance, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MIN(timestamp)) AS first_ts,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MAX(timestamp)) AS last_ts,
  COUNTIF(http_request IS NOT NULL) AS requests, COUNTIF(status >= 500) AS status_5xx,
  COUNTIF(NOT plain AND severity IN ('ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY')) AS error_logs,
  COUNTIF(STARTS_WITH(IFNULL(text_payload, ''), 'Starting new instance')) AS starts,
  ANY_VALUE(revision) AS revision
FROM logs
WHERE instance IS NOT NULL
GROUP BY instance
ORDER BY MIN(timestamp), instance
LIMIT {{limit}}
