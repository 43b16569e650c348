-- The window's entries over the Log Analytics schema (`PROJECT.DATASET._AllLogs`), with the
-- fields every aggregate reads derived once. {{table}} and {{where}} are filled by
-- tools/sources/logging/sql/queries.py (the where clause is built from validated values only).
-- "plain" is what the entries path fast-paths: a request entry with no payload, which only
-- needs counting. Times are formatted after aggregating (never per row).
-- Latency is a protobuf Duration record, STRUCT<seconds INT64, nanos INT64>, as Google's own Log Analytics
-- samples read it (github.com/GoogleCloudPlatform/observability-analytics-samples,
-- samples/logging/serverless/cloud_run/top_long_latency.sql: `http_request.latency.nanos`). A part at its
-- proto default (0 seconds for a sub-second request) may be absent, so each part defaults to 0, as public
-- queries over `_AllLogs` do; a request without a latency stays NULL.
logs AS (
  SELECT
    timestamp,
    TIMESTAMP_TRUNC(timestamp, MINUTE) AS minute,
    severity,
    log_name,
    insert_id,
    trace,
    resource,
    labels,
    http_request,
    text_payload,
    json_payload,
    proto_payload,
    IFNULL(JSON_VALUE(resource.labels, '$.service_name'), '') AS service,
    IFNULL(JSON_VALUE(resource.labels, '$.revision_name'), '') AS revision,
    JSON_VALUE(labels, '$.instanceId') AS instance,
    (http_request IS NOT NULL AND text_payload IS NULL AND json_payload IS NULL AND proto_payload IS NULL) AS plain,
    IFNULL(http_request.status, 0) AS status,
    IFNULL(http_request.request_method, '') AS method,
    IFNULL(http_request.request_url, '') AS url,
    IF(http_request.latency IS NULL, NULL,
       IFNULL(http_request.latency.seconds, 0) * 1000 + IFNULL(http_request.latency.nanos, 0) / 1000000) AS latency_ms
  FROM {{table}}
  WHERE {{where}}
)
