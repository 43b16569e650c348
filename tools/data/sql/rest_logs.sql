-- The entries past the bound of entries.sql that are not payload-less requests (those are all in
-- request_minutes.sql), counted by minute, log, severity, status, service and revision, so the
-- digest's totals, kinds, severities and error timeline still cover every entry. {{after_ts}} and
-- {{after_id}} are the last entry entries.sql returned (its order: timestamp, insert_id).
WITH {{logs}}
SELECT
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M', minute) AS minute, log_name, severity, status, service, revision, n,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', first_ts) AS first_ts, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', last_ts) AS last_ts
FROM (
  SELECT minute, log_name, IFNULL(severity, 'DEFAULT') AS severity, status, service, revision, COUNT(*) AS n,
         MIN(timestamp) AS first_ts, MAX(timestamp) AS last_ts
  FROM logs
  WHERE NOT plain
    AND (timestamp > TIMESTAMP {{after_ts}} OR (timestamp = TIMESTAMP {{after_ts}} AND IFNULL(insert_id, '') > {{after_id}}))
  GROUP BY minute, log_name, severity, status, service, revision
)
ORDER BY minute, log_name, severity, status, service, revision
