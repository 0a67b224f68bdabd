"""Sweeps: one pass over a large set of a tenant's documents, a page at a time, resumable and
idempotent. A service declares a :class:`Sweeper` (its job collection, its task-queue function,
and what each kind of sweep reads and does per page), a Firestore trigger on its job documents
that calls :meth:`Sweeper.enqueue_current`, and the task function that calls :meth:`Sweeper.run`.

How it stays correct under at-least-once delivery:

- **Started twice, one job.** The job id derives from the kind and the cause (an event id, a
  request id), and the job document is created only if absent; a second start finds it.
- **The job document is the outbox.** Its trigger queues a task whenever the job is running
  and unleased (task id ``{jobId}-p{page}``, deduplicated), so a crash between committing
  progress and queuing the next task loses nothing. ``start`` queues the first task itself as
  well, to save the trigger's hop.
- **A page is processed once.** A task works on the job from wherever it stands: it takes the
  job's lease, then processes page after page, advancing ``page`` / ``cursor`` in a transaction
  only while its lease is intact, and keeps the lease until its time budget is spent (then
  releases it, and the trigger queues the next task). A duplicate delivery finds the lease held
  (``LeaseHeld``: retried later) or the job done (a no-op). A crashed worker's lease expires
  and the retried task resumes at the recorded page.
- **Each kind's page work is idempotent per document** (each kind says how).
"""

import hashlib
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from firebase_functions import options as _options
from pydantic import Field

from shared import logs, paths
from shared.errors import AlreadyExists
from shared.models import Document, Model
from shared.repository import CollectionRepository, Page
from shared.transactions import run_transaction

T = TypeVar("T", bound=Document)
LEASE = timedelta(minutes=6)
"""Longer than a sweep task's timeout (5 minutes), so a live worker never loses its lease."""
BUDGET = timedelta(minutes=3)
"""How long one task works before handing over to the next."""

TASK_OPTIONS: dict[str, Any] = {
    "retry_config": _options.RetryConfig(
        max_attempts=20, min_backoff_seconds=5, max_backoff_seconds=120
    ),
    "rate_limits": _options.RateLimits(max_concurrent_dispatches=20),
    "timeout_sec": 300,
    "memory": _options.MemoryOption.MB_512,
}
"""The options of every sweep task function (``tasks_fn.on_task_dispatched(**TASK_OPTIONS)``):
a worker runs up to :data:`BUDGET`, within the timeout; a held lease is retried with backoff."""

_log = logs.get_logger("sweeps")


class SweepStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"


class SweepJob(Document):
    """``tenants/{tenantId}/{collection}/{jobId}``: a resumable pass (no client reads it).

    ``page`` is the page to process next and ``cursor`` where it starts. A worker holds
    ``leaseUntil`` / ``leaseOwner`` while it processes pages.
    """

    tenant_id: str
    kind: str
    cause: str = Field(description="What started it: the job id derives from it.")
    params: dict[str, Any] = Field(default_factory=dict, description="The kind's arguments.")
    status: SweepStatus = SweepStatus.RUNNING
    page: int = 0
    cursor: str | None = None
    scanned: int = Field(default=0, description="Documents read so far.")
    changed: int = Field(default=0, description="Documents (or users) changed so far.")
    lease_until: datetime | None = None
    lease_owner: str | None = None
    started_at: datetime | None = Field(
        default=None, description="When a worker first took the job (after the task's dispatch)."
    )
    finished_at: datetime | None = None


class SweepTask(Model):
    """The payload of a sweep task: work on the job from wherever it stands. ``page`` is where
    the job stood when the task was queued (it names the task)."""

    tenant_id: str
    job_id: str
    page: int = Field(ge=0)


class LeaseHeld(RuntimeError):
    """Another delivery is working on the job now; retried later (then finds it done)."""


@dataclass(frozen=True)
class SweepKind(Generic[T]):
    """One kind of sweep: how to read a page after a cursor, and what to do with it (answering
    how many items it changed)."""

    read_page: Callable[[SweepJob, str | None], Page[T]]
    process: Callable[[SweepJob, list[T]], int]


@dataclass(frozen=True)
class Sweeper:
    """A service's sweeps: where their jobs live and which task function runs them."""

    collection: str
    task_function: str
    kinds: Mapping[str, SweepKind[Any]]

    @property
    def document_pattern(self) -> str:
        """The Firestore trigger path of the job documents."""
        return f"{paths.TENANTS}/{{tenantId}}/{self.collection}/{{jobId}}"

    def jobs(self, tenant_id: str) -> CollectionRepository[SweepJob]:
        return CollectionRepository(SweepJob, paths.tenant_collection(tenant_id, self.collection))

    def job_id(self, kind: str, cause: str) -> str:
        """The one job of ``kind`` for ``cause`` (task-id safe characters)."""
        return f"{kind}-{hashlib.sha256(cause.encode()).hexdigest()[:24]}"

    def start(
        self, tenant_id: str, kind: str, cause: str, params: dict[str, Any] | None = None
    ) -> str:
        """Create the job unless it exists and queue its first task; the job id."""
        if kind not in self.kinds:
            raise ValueError(f"unknown sweep kind {kind!r}")
        job = SweepJob(
            id=self.job_id(kind, cause),
            tenant_id=tenant_id,
            kind=kind,
            cause=cause,
            params=params or {},
        )
        try:
            self.jobs(tenant_id).create(job)
        except AlreadyExists:
            _log.info("sweep already started", extra={"fields": {"jobId": job.id}})
            return job.id
        _log.info("sweep started", extra={"fields": {"jobId": job.id, "kind": kind}})
        self.enqueue_current(job)
        return job.id

    def on_job_written(self, job_id: str, after: dict[str, Any] | None) -> None:
        """The job trigger's work: queue a task for the written job (``after`` is its data,
        ``shared.document_changes.before_after``; a deleted job queues nothing)."""
        if after is not None:
            self.enqueue_current(SweepJob.from_firestore(job_id, after))

    def enqueue_current(self, job: SweepJob) -> None:
        """Queue a task for the job if it is running and unleased (the job trigger calls this;
        the task id makes repeated calls queue one task)."""
        from shared.tasks import enqueue

        if job.status is not SweepStatus.RUNNING or job.lease_until is not None:
            return
        task = SweepTask(tenant_id=job.tenant_id, job_id=job.id, page=job.page)
        enqueue(self.task_function, task, task_id=f"{job.id}-p{job.page}")

    def run(self, task: SweepTask, *, budget: timedelta = BUDGET) -> int:
        """Work on the task's job for at most ``budget``; the pages this call processed (0 when
        the job is done or gone). Raises ``LeaseHeld`` while another worker holds the job.

        The next page is read while the current one is processed: pages are disjoint ranges of
        the cursor's order, so reading ahead sees nothing the current page's writes change.
        """
        deadline = time.monotonic() + budget.total_seconds()
        job = self._take_lease(task)
        if job is None:
            return 0
        kind = self.kinds[job.kind]
        pages = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sweep-read") as reader:
            page = kind.read_page(job, job.cursor)
            while job is not None:
                cursor = page.next_cursor
                keep = cursor is not None and time.monotonic() < deadline
                ahead = reader.submit(kind.read_page, job, cursor) if keep else None
                changed = kind.process(job, page.items)
                job = self._advance(job, cursor, len(page.items), changed, keep_lease=keep)
                pages += 1
                if ahead is None or job is None:
                    break
                page = ahead.result()
        return pages

    def _take_lease(self, task: SweepTask) -> SweepJob | None:
        jobs = self.jobs(task.tenant_id)

        def work(txn: Any) -> SweepJob | None:
            job = jobs.get(task.job_id, transaction=txn)
            if job is None or job.status is SweepStatus.DONE:
                return None
            now = datetime.now(UTC)
            if job.lease_until is not None and job.lease_until > now:
                raise LeaseHeld(f"{task.job_id} is being worked on")
            lease = {"lease_until": now + LEASE, "lease_owner": uuid.uuid4().hex}
            if job.started_at is None:
                lease["started_at"] = now
            jobs.update(job.id, lease, writer=txn)
            return job.model_copy(update=lease)

        return run_transaction(work)

    def _advance(
        self, job: SweepJob, cursor: str | None, scanned: int, changed: int, *, keep_lease: bool
    ) -> SweepJob | None:
        """Record a processed page; the job as it now stands if we keep working on it, else
        None (done, handed over, or our lease expired and another worker took over: it redoes
        the page, harmlessly)."""
        jobs = self.jobs(job.tenant_id)

        def work(txn: Any) -> SweepJob | None:
            current = jobs.require(job.id, transaction=txn)
            if current.page != job.page or current.lease_owner != job.lease_owner:
                return None
            done = cursor is None
            now = datetime.now(UTC)
            changes: dict[str, Any] = {
                "page": job.page + 1,
                "cursor": cursor,
                "scanned": current.scanned + scanned,
                "changed": current.changed + changed,
                "lease_until": now + LEASE if keep_lease else None,
                "lease_owner": job.lease_owner if keep_lease else None,
                "status": SweepStatus.DONE if done else SweepStatus.RUNNING,
                "finished_at": now if done else None,
            }
            jobs.update(job.id, changes, writer=txn)
            return current.model_copy(update=changes) if keep_lease else None

        return run_transaction(work)
