"""How Slack's requests reach the app, and how an operator watches it.

http.py            the HTTP front: POST /slack/events, POST /runs, GET /healthz, GET /metrics (waitress);
                   Socket Mode's HTTP port serves the same, without /slack/events
gate.py            verifies every Slack request's signature before anything reads it (signing.py: the HMAC)
run_intake.py      POST /runs: run reports from the platforms, behind a per-integration Bearer token,
                   rate-limited per token (token_bucket.py)
socket_mode.py     the Socket Mode front (`patchbay run`): every envelope acknowledged once
health.py          GET /healthz: can this replica reach its database and Slack?
metrics.py         Prometheus figures; listener_names.py the listener label they and the logs use
logs.py            plain or JSON log lines, each with the request id, secrets masked
request_scope.py   what the current request is: its id, start and listener
"""
