-- Successful payload-less requests, at most {{per_group}} per minute and revision, for the
-- evidence that reads healthy traffic (a revision that answered, a 101 upgrade); their
-- counts come from request_minutes.sql, never from this sample.
WITH {{logs}}
SELECT
  FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E6SZ', timestamp) AS ts, severity, log_name, insert_id, trace, resource.type AS resource_type,
  TO_JSON_STRING(resource.labels) AS resource_labels, TO_JSON_STRING(labels) AS labels,
  TRUE AS has_http, http_request.request_method AS request_method,
  http_request.request_url AS request_url, http_request.status AS status, latency_ms,
  http_request.user_agent AS user_agent, http_request.remote_ip AS remote_ip, http_request.protocol AS protocol,
  CAST(NULL AS STRING) AS text_payload, CAST(NULL AS STRING) AS json_payload, CAST(NULL AS STRING) AS proto_payload
FROM logs
WHERE plain AND status < 400
QUALIFY ROW_NUMBER() OVER (PARTITION BY minute, revision ORDER BY timestamp, insert_id) <= {{per_group}}
ORDER BY timestamp, insert_id
LIMIT {{limit}}
