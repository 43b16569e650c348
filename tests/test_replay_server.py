"""The replay server core: routing and fault injection, independent of any API."""

import json
import urllib.error
import urllib.request

from tools.replay.server import ReplayServer, Response


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_routes_params_and_faults():
    server = ReplayServer()
    server.route(
        "echo", "GET", r"/v9/things/(?P<thing>[^/]+)", lambda s, r: Response(200, {"thing": r.params["thing"]})
    )
    with server:
        assert _get(server.url + "/v9/things/a%20b?x=1") == (200, {"thing": "a b"})
        server.inject("echo", status=429, after=1, times=1)
        assert _get(server.url + "/v9/things/x")[0] == 200
        status, body = _get(server.url + "/v9/things/x")
        assert status == 429 and body["error"]["status"] == "RESOURCE_EXHAUSTED"
        assert _get(server.url + "/v9/things/x")[0] == 200
        status, body = _get(server.url + "/nope")
        assert status == 404 and "no replay route" in body["error"]["message"]
        assert server.count("echo") == 4
