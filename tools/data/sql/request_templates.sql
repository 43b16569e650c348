-- Failed payload-less requests grouped by status, method and URL shape (digits folded to 0,
-- which keeps every id-like segment id-like): one row per shape with its count, first and
-- last time and the earliest insert id, for the digest's "HTTP <status> <method> <path>" templates.
WITH {{logs}}
SELECT
  status, method, REGEXP_REPLACE(url, r'[0-9]', '0') AS url_shape, ANY_VALUE(url) AS url, log_name, service,
  COUNT(*) AS n, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MIN(timestamp)) AS first_ts,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MAX(timestamp)) AS last_ts, ANY_VALUE(insert_id HAVING MIN timestamp) AS example_insert_id
FROM logs
WHERE plain AND status >= 400
GROUP BY status, method, url_shape, log_name, service
ORDER BY MIN(timestamp), status, url_shape
LIMIT {{limit}}
