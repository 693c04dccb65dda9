"""Run inside the api container (python only, stdlib): a little of every kind of traffic, so
that every application metric has samples. Prints one JSON line: what each call returned."""

import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

API = "http://127.0.0.1:8000"
WITH_JOBS = "--jobs" in sys.argv
TEXT = "Prometheus scrapes metrics. Grafana draws them. Alerts wake someone up at night.\n" * 20


def call(method, path, body=None, content_type="application/json"):
    request = urllib.request.Request(API + path, data=body, method=method)
    request.add_header("Authorization", f"Bearer {os.environ['API_KEY']}")
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def upload(path, filename):
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/plain\r\n\r\n{TEXT}\r\n--{boundary}--\r\n"
    ).encode()
    return call("POST", path, body, f"multipart/form-data; boundary={boundary}")


results = {
    "ingest": upload("/documents", "monitoring.txt")[0],
    "search": call("POST", "/search", json.dumps({"query": "who draws metrics"}).encode())[0],
    "ask": call("POST", "/ask", json.dumps({"question": "what wakes someone up"}).encode())[0],
    "list": call("GET", "/documents")[0],
    "missing": call("GET", "/no-such-route")[0],
}
if WITH_JOBS:
    status, job = upload("/jobs", "queued.txt")
    results["job_submitted"] = status
    deadline = time.monotonic() + 60
    while job and time.monotonic() < deadline:
        state = call("GET", f"/jobs/{job['job_id']}")[1]
        if state and state["status"] in ("done", "failed"):
            results["job"] = state["status"]
            break
        time.sleep(1)
print(json.dumps(results))
