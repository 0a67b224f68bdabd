"""The local stack itself: what ops/with-emulators promises every test and service."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from shared.clients import storage_client

ROOT = Path(__file__).resolve().parents[2]


def test_the_emulator_variables_are_set():
    assert os.environ["GCLOUD_PROJECT"] == "demo-foundation"
    for variable in (
        "FIRESTORE_EMULATOR_HOST",
        "FIREBASE_AUTH_EMULATOR_HOST",
        "PUBSUB_EMULATOR_HOST",
        "STORAGE_EMULATOR_HOST",
        "CLOUD_TASKS_EMULATOR_HOST",
    ):
        assert os.environ[variable], variable


def test_an_object_written_to_the_storage_emulator_is_announced_on_pubsub():
    from google.cloud import pubsub_v1

    project = os.environ["GCLOUD_PROJECT"]
    subscriber = pubsub_v1.SubscriberClient()
    subscription = subscriber.subscription_path(project, f"tap-storage-{uuid.uuid4().hex[:8]}")
    subscriber.create_subscription(
        name=subscription, topic=f"projects/{project}/topics/storage-events"
    )
    try:
        bucket = storage_client().create_bucket(f"bucket-{uuid.uuid4().hex[:8]}")
        name = f"uploads/{uuid.uuid4().hex}.txt"
        bucket.blob(name).upload_from_string(b"hello", content_type="text/plain")

        deadline, seen = time.monotonic() + 30, []
        while time.monotonic() < deadline:
            answer = subscriber.pull(subscription=subscription, max_messages=10, timeout=10)
            seen += [
                (m.message.attributes.get("eventType"), json.loads(m.message.data).get("name"))
                for m in answer.received_messages
            ]
            if ("OBJECT_FINALIZE", name) in seen:
                break
        assert ("OBJECT_FINALIZE", name) in seen
    finally:
        subscriber.delete_subscription(subscription=subscription)


def _emulator_process_environ() -> dict[str, str]:
    """The environment of the ``firebase emulators:exec`` process that started this test run."""
    pid = os.getppid()
    while pid > 1:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmdline = handle.read().replace(b"\0", b" ")
        if b"emulators:exec" in cmdline:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                pairs = handle.read().split(b"\0")
            return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)
        with open(f"/proc/{pid}/stat") as handle:
            pid = int(handle.read().rsplit(")", 1)[1].split()[1])
    raise AssertionError("not running under firebase emulators:exec")


def test_the_functions_emulator_opens_a_fresh_connection_to_a_worker_for_every_request():
    """The emulator proxies to its Python workers with Node's global agent. A reused idle
    socket races gunicorn's 2 s keep-alive close and loses the delivery ("socket hang up"), so
    the stack's Node runs with a global agent that never keeps a socket: proven here by a Node
    process with the emulator's own NODE_OPTIONS talking to a server that records connections."""
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    node_options = _emulator_process_environ().get("NODE_OPTIONS", "")
    assert "ops/node/no-keepalive.cjs" in node_options

    peers: list[int] = []

    class Recorder(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive unless the client says otherwise

        def do_GET(self) -> None:
            peers.append(self.client_address[1])
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    script = (
        "const http = require('http');"
        "const get = () => new Promise((ok, fail) => http.get("
        f"{{host: '127.0.0.1', port: {port}, path: '/'}},"
        " (r) => { r.resume(); r.on('end', ok); }).on('error', fail));"
        "(async () => { for (let i = 0; i < 3; i++) await get(); })();"
    )
    try:
        subprocess.run(
            ["node", "-e", script],
            env={**os.environ, "NODE_OPTIONS": node_options},
            check=True,
            timeout=30,
        )
    finally:
        server.shutdown()

    assert len(peers) == 3 and len(set(peers)) == 3, peers


def test_the_functions_emulator_never_gives_two_starting_workers_one_port():
    """The emulator asks portfinder for each Python worker's port, and a port stays free until
    its worker has bound it (a second or so later): two workers starting together were handed
    the same port, and one's requests went to the other's function. Proven with the emulator's
    own NODE_OPTIONS: five requests one after another from one base port, nothing bound in
    between, get five ports (without the preload, five times the same one)."""
    import subprocess

    node_options = _emulator_process_environ().get("NODE_OPTIONS", "")
    assert "ops/node/unique-worker-ports.cjs" in node_options
    script = (
        "const portfinder = require('portfinder');"
        "(async () => { const ports = [];"
        " for (let i = 0; i < 5; i++) ports.push(await portfinder.getPortPromise({port: 8600}));"
        " console.log(JSON.stringify(ports)); })();"
    )
    answer = subprocess.run(
        ["node", "-e", script],
        env={**os.environ, "NODE_OPTIONS": node_options, "NODE_PATH": str(ROOT / "node_modules")},
        capture_output=True,
        check=True,
        text=True,
        timeout=30,
    )

    ports = json.loads(answer.stdout)
    assert len(ports) == 5 and len(set(ports)) == 5, ports


def test_the_demo_seed_writes_documents_its_models_read_back_and_seeding_twice_changes_nothing():
    from customer.repositories import tenants
    from example.repositories import projects
    from ops import seed
    from user.repositories import profiles

    seed.main()
    first = tenants().require(seed.TENANT_ID)
    seed.main()

    tenant = tenants().require(seed.TENANT_ID)
    assert tenant.name == seed.TENANT_NAME and tenant.products == seed.PRODUCTS
    assert tenant.address == first.address and tenant.address.country == "DE"
    members = [u for u in seed.USERS if u.tenant_id == seed.TENANT_ID]
    for user in members:
        profile = profiles(seed.TENANT_ID).require(user.uid)
        assert (profile.email, profile.roles) == (user.email, list(user.roles))
    project = projects(seed.TENANT_ID).require("demo-project")
    assert (project.owner_id, project.open_task_count, project.version) == ("demo-admin", 0, 1)
    assert len(projects(seed.TENANT_ID).query().items) == 1


def test_the_cloud_tasks_emulator_holds_a_task_until_its_schedule_time():
    """Cloud Tasks runs a task at its schedule time; the emulator ran every task at once (the
    time reached the handler only as a header), so delayed work (a digest's flush, a nudge, a
    retry's backoff) ran early. The stack's preload holds it: a task queued for 3 s later
    reaches a recording server no sooner, a second task of its name is refused as in Cloud
    Tasks, and a task without a time runs at once."""
    import base64
    import threading
    from datetime import UTC, datetime, timedelta
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import requests

    node_options = _emulator_process_environ().get("NODE_OPTIONS", "")
    assert "ops/node/scheduled-tasks.cjs" in node_options
    arrivals: dict[str, float] = {}

    class Recorder(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrivals[self.headers["X-CloudTasks-TaskName"]] = time.monotonic()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    queue = (
        f"http://{os.environ['CLOUD_TASKS_EMULATOR_HOST']}/projects/{os.environ['GCLOUD_PROJECT']}"
        "/locations/us-central1/queues/notificationsFlushDigest/tasks"
    )
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def enqueue(task_id: str, at: datetime | None) -> requests.Response:
        task: dict[str, object] = {
            "name": f"{queue.split('//', 1)[1].split('/', 1)[1]}/{task_id}",
            "httpRequest": {"url": url, "body": base64.b64encode(b"{}").decode(), "headers": {}},
        }
        if at is not None:
            task["scheduleTime"] = at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return requests.post(queue, json={"task": task}, timeout=10)

    later, now = f"later-{uuid.uuid4().hex[:8]}", f"now-{uuid.uuid4().hex[:8]}"
    try:
        queued_at = time.monotonic()
        assert enqueue(later, datetime.now(UTC) + timedelta(seconds=3)).status_code == 200
        assert enqueue(later, None).status_code == 409
        assert enqueue(now, None).status_code == 200
        deadline = time.monotonic() + 30
        while later not in arrivals and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.shutdown()

    assert arrivals[now] - queued_at < 2.5
    assert arrivals[later] - queued_at >= 2.9


def _workers_of(function: str) -> int:
    """This stack's running workers of ``function`` (the shell the emulator starts each in)."""
    stack = os.environ["FOUNDATION_STACK_ID"]
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended while we looked
        if (
            f"FOUNDATION_STACK_ID={stack}".encode() in environ
            and f"FUNCTION_TARGET={function}".encode() in environ
            and command.startswith(b"/bin/sh")
        ):
            count += 1
    return count


def test_the_functions_emulator_stops_the_extra_workers_of_a_function_once_they_are_idle():
    """The emulator starts a worker per concurrent request and never stopped one: a run's
    workers outgrew the machine's memory. Six calls at once start several workers; once idle
    for FOUNDATION_WORKER_IDLE_SECONDS, all but the most recent one are stopped."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.callables import CallableError, call

    def call_once(_: object) -> str:
        """Any answer will do (the caller is nobody's user): a worker served it."""
        try:
            call("user_get_preferences", {})
        except CallableError as refused:
            return refused.status
        return "OK"

    node_options = _emulator_process_environ().get("NODE_OPTIONS", "")
    assert "ops/node/idle-workers.cjs" in node_options
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(call_once, range(6)))
    started = _workers_of("user_get_preferences")

    idle = int(os.environ["FOUNDATION_WORKER_IDLE_SECONDS"])
    deadline = time.monotonic() + idle + 30
    while _workers_of("user_get_preferences") > 1 and time.monotonic() < deadline:
        time.sleep(1)

    assert answers == ["UNAUTHENTICATED"] * 6
    assert started > 1
    assert _workers_of("user_get_preferences") == 1
    assert call_once(None) == "UNAUTHENTICATED"  # the warm one still answers
