"""Importing saved objects into Kibana: the request sent (against a small local HTTP
server standing in for Kibana) and the errors when Kibana is down or refuses."""

import http.server
import json
import socket
import threading

import pytest

from policywatch.ops import kibana


class _FakeKibana(http.server.BaseHTTPRequestHandler):
    answer: dict = {"success": True, "successCount": 2}
    status = 200
    seen: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).seen.append((self.path, self.headers, body))
        payload = json.dumps(type(self).answer).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_kibana():
    _FakeKibana.seen, _FakeKibana.status, _FakeKibana.answer = [], 200, {"success": True, "successCount": 2}
    server = http.server.HTTPServer(("127.0.0.1", 0), _FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _FakeKibana
    server.shutdown()
    server.server_close()


def test_import_posts_multipart_ndjson_with_auth_and_overwrite(fake_kibana):
    url, handler = fake_kibana
    ndjson = b'{"type":"search","id":"a"}\n{"type":"search","id":"b"}\n'
    answer = kibana.import_saved_objects(url, kibana.auth_headers(username="ops", password="pw"), ndjson)
    assert answer["successCount"] == 2
    ((path, headers, body),) = handler.seen
    assert path == "/api/saved_objects/_import?overwrite=true"
    assert headers["kbn-xsrf"] and headers["Authorization"] == "Basic b3BzOnB3"
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="policywatch.ndjson"' in body and ndjson in body


def test_api_key_is_sent_as_apikey_authorization():
    assert kibana.auth_headers(api_key="abc==", username="ignored")["Authorization"] == "ApiKey abc=="
    assert "Authorization" not in kibana.auth_headers()


def test_objects_kibana_refuses_are_reported(fake_kibana):
    url, handler = fake_kibana
    handler.answer = {"success": False, "errors": [{"type": "search", "id": "a", "error": {"type": "conflict"}}]}
    with pytest.raises(kibana.KibanaError, match="refused some objects: search a"):
        kibana.import_saved_objects(url, {}, b"{}\n")


def test_authentication_failure_says_which_credentials(fake_kibana):
    url, handler = fake_kibana
    handler.status = 401
    with pytest.raises(kibana.KibanaError) as caught:
        kibana.import_saved_objects(url, {}, b"{}\n")
    assert "answered 401" in str(caught.value) and "ELASTICSEARCH_API_KEY" in caught.value.fix


def test_unreachable_kibana_is_a_clear_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(kibana.KibanaError) as caught:
        kibana.import_saved_objects(f"http://127.0.0.1:{port}", {}, b"{}\n", timeout_s=5)
    assert "unreachable" in str(caught.value) and "KIBANA_URL" in caught.value.fix


def test_the_repository_objects_serialise_back_to_ndjson():
    objects = kibana.load_saved_objects()
    lines = kibana.to_ndjson(objects).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [o.body["id"] for o in objects]
