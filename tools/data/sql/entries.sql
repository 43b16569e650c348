-- The entries that come back whole: every non-request entry, every request with a payload and, when
-- {{with_failed}} is 1, every failed request (the evidence), in time order, bounded; counts.sql says
-- how many there were. analyze-logs passes 0: its failed requests are counted and templated in SQL,
-- and its {{quiet}} lines (quiet_logs.sql) counted; everything else passes FALSE.
WITH {{logs}}
SELECT
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', timestamp) AS ts, severity, log_name, insert_id, trace, resource.type AS resource_type,
  TO_JSON_STRING(resource.labels) AS resource_labels, TO_JSON_STRING(labels) AS labels,
  http_request IS NOT NULL AS has_http, http_request.request_method AS request_method,
  http_request.request_url AS request_url, http_request.status AS status, latency_ms,
  http_request.user_agent AS user_agent, http_request.remote_ip AS remote_ip, http_request.protocol AS protocol,
  text_payload, TO_JSON_STRING(json_payload) AS json_payload, TO_JSON_STRING(proto_payload) AS proto_payload
FROM logs
WHERE (NOT plain OR (status >= 400 AND {{with_failed}} = 1)) AND NOT {{quiet}}
ORDER BY timestamp, insert_id
LIMIT {{limit}}
