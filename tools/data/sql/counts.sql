-- How many entries the window holds, how many only need counting, and how many are evidence.
WITH {{logs}}
SELECT
  COUNT(*) AS total,
  COUNTIF(plain) AS plain_requests,
  COUNTIF(NOT plain OR status >= 400) AS evidence,
  COUNTIF(NOT plain) AS log_entries
FROM logs
