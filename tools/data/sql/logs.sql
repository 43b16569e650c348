-- The window's entries over the Log Analytics schema (`PROJECT.DATASET._AllLogs`), with the
-- fields every aggregate reads derived once. {{table}} and {{where}} are filled by
-- tools/sources/logging/sql/queries.py (the where clause is built from validated values only).
-- "plain" is what the entries path fast-paths: a request entry with no payload, which only
-- needs counting. Times are formatted after aggregating (never per row). Latency is read as a protobuf Duration record (seconds, nanos).
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
    http_request.latency.seconds * 1000 + http_request.latency.nanos / 1000000 AS latency_ms
  FROM {{table}}
  WHERE {{where}}
)
