"""The worker's metrics page: on this machine only, unless the container says otherwise."""

import socket
import urllib.request

import pytest
from prometheus_client import CollectorRegistry

from tests.servers import free_port
from worker.metrics import WorkerMetrics
from worker.settings import WorkerSettings


def test_natively_the_metrics_listen_on_127_0_0_1_only() -> None:
    port = free_port()
    WorkerMetrics(CollectorRegistry()).serve(WorkerSettings().worker_metrics_host, port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as page:
        assert page.status == 200
    # Another address of this machine: a server on every interface would answer there.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=5).close()
