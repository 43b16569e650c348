-- Warning and error lines grouped by message shape (digits folded to 0), with count, first and
-- last seen and the earliest insert id: the template aggregate over every line, including
-- those past the bound of entries.sql.
WITH {{logs}}
SELECT
  REGEXP_REPLACE(SUBSTR(message, 1, 300), r'[0-9]', '0') AS shape, ANY_VALUE(message) AS message, log_name, service,
  COUNT(*) AS n, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MIN(timestamp)) AS first_ts,
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', MAX(timestamp)) AS last_ts, ANY_VALUE(insert_id HAVING MIN timestamp) AS example_insert_id
FROM (
  SELECT *, SUBSTR(COALESCE(text_payload, JSON_VALUE(json_payload, '$.message'), JSON_VALUE(json_payload, '$.msg'),
                            JSON_VALUE(proto_payload, '$.status.message'), ''), 1, 2000) AS message
  FROM logs
  WHERE NOT plain AND severity IN ('WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY')
)
WHERE message != ''
GROUP BY shape, log_name, service
ORDER BY n DESC, first_ts
LIMIT {{limit}}
