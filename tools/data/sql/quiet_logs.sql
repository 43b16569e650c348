-- The log lines the digest only counts ({{quiet}}: tools/analysis/digest/quiet.py builds it from the
-- signature catalog), counted by minute, log, severity, service and revision instead of coming back as
-- entries (entries.sql leaves them out with the same condition). A job's lines count under its job name.
WITH {{logs}}
SELECT
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M', minute) AS minute, log_name, severity, status, service, revision, n,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', first_ts) AS first_ts, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', last_ts) AS last_ts
FROM (
  SELECT minute, log_name, IFNULL(severity, 'DEFAULT') AS severity, status, owner AS service, revision,
         COUNT(*) AS n, MIN(timestamp) AS first_ts, MAX(timestamp) AS last_ts
  FROM (
    SELECT *, IF(service = '', IFNULL(JSON_VALUE(resource.labels, '$.job_name'), ''), service) AS owner
    FROM logs
    WHERE NOT plain AND {{quiet}}
  )
  GROUP BY minute, log_name, severity, status, owner, revision
)
ORDER BY minute, log_name, severity, status, service, revision
