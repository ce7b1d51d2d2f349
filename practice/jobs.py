"""Background jobs on Huey: an embedded SQLite queue on one machine, Redis on many.

Why Huey. One small, well-kept library covers both ways this app is run: `SqliteHuey`
keeps the queue in a file under instance/ so `python app.py` sends links and reminders
with no Redis and no second command (the consumer runs as threads in the web process),
and `RedisHuey` lets any number of worker processes on any number of hosts share one
queue. Its scheduler (delayed retries and periodic tasks) is built in, so no second
scheduling library is needed. Celery would do the same on Redis but has no embedded
broker; RQ has neither an embedded broker nor a built-in periodic scheduler.

Shape (after Flask's `examples/celery`): `init_app(app)` picks the storage from
`app.config` and keeps the Huey object in `app.extensions["huey"]`; `task` and
`periodic_task` wrap a function so it runs inside the app context. Tasks live with their
feature (`practice/<feature>/tasks.py`), take ids, never ORM objects, and call the
feature's plain services.

Delivery is at least once: Huey may run a task twice (a retry, a periodic task on two
schedulers), so work that must happen once claims a database row first (see
practice.mail.outbox). Tasks here never carry secrets (tokens are derived at send time).
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from huey import Huey
from huey.api import TaskWrapper
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)

# Every feature module that defines tasks; imported by init_app so a worker knows them all.
TASK_MODULES = ("practice.mail.tasks", "practice.reminders.tasks", "practice.exports.tasks")
# Modules that register email kinds (outbox composers) the workers must know.
MESSAGE_MODULES = (
    "practice.mail.messages",
    "practice.passwords.messages",
    "practice.reminders.messages",
)


class AppHuey(Huey):
    """A Huey whose storage is chosen from the app's config by `init_app`, not at import.

    Task modules decorate their functions at import time, before any app exists; the
    storage (SQLite file or Redis) is made on first use, so a Redis that is down at
    start only matters when a job is enqueued.
    """

    def __init__(self, name: str) -> None:
        self._storage_factory: Callable[[], Any] | None = None
        self._storage_obj: Any = None
        self._storage_lock = threading.Lock()
        self.flask_app: Flask | None = None
        super().__init__(name, results=False, utc=True)

    def create_storage(self):  # Huey.__init__ calls this; the real one comes from init_app.
        return None

    @property
    def storage(self):
        if self._storage_obj is None:
            with self._storage_lock:
                if self._storage_obj is None:
                    if self._storage_factory is None:
                        raise RuntimeError("practice.jobs.init_app(app) has not run")
                    self._storage_obj = self._storage_factory()
        return self._storage_obj

    @storage.setter
    def storage(self, value) -> None:
        self._storage_obj = value

    def use(self, app: Flask, factory: Callable[[], Any]) -> None:
        """Point the queue at `factory()`'s storage and run tasks in `app`'s context."""
        with self._storage_lock:
            if self._storage_obj is not None:
                self._storage_obj.close()
            self._storage_obj = None
            self._storage_factory = factory
            self.flask_app = app


huey = AppHuey("practice")


def init_app(app: Flask) -> None:
    """Choose the queue: Redis when JOBS_REDIS_URL is set, else a SQLite file in instance/."""
    redis_url = app.config.get("JOBS_REDIS_URL")
    if redis_url:

        def factory():
            # A short socket timeout: a Redis that stops answering must not hold a request.
            from redis import ConnectionPool

            pool = ConnectionPool.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2)
            return RedisStorage(
                app.config.get("JOBS_QUEUE_NAME") or huey.name,
                connection_pool=pool,
                blocking=True,
                read_timeout=1,
            )

        app.config["JOBS_BACKEND"] = "redis"
    else:
        path = app.config.get("JOBS_SQLITE_PATH") or os.path.join(app.instance_path, "jobs.db")

        def factory():
            return SqliteStorage(huey.name, filename=path)

        app.config["JOBS_BACKEND"] = "sqlite"
    huey.use(app, factory)
    app.extensions["huey"] = huey
    app.cli.add_command(jobs_cli)
    for module in (*TASK_MODULES, *MESSAGE_MODULES):
        importlib.import_module(module)


def _in_app_context(func: Callable) -> Callable:
    @functools.wraps(func)
    def run(*args, **kwargs):
        app = huey.flask_app
        if app is None:
            raise RuntimeError("practice.jobs.init_app(app) has not run")
        with app.app_context():
            return func(*args, **kwargs)

    return run


def task(**options) -> Callable:
    """`@jobs.task(retries=…, retry_delay=…)`: a Huey task that runs in the app context."""

    def decorate(func: Callable):
        return huey.task(**options)(_in_app_context(func))

    return decorate


def periodic_task(schedule: Callable, **options) -> Callable:
    """`@jobs.periodic_task(crontab(minute="*"))`: run by every scheduler on that schedule.

    With several schedulers (one per worker host) a periodic task runs once per scheduler:
    its work must be safe to repeat (ours claim rows)."""

    def decorate(func: Callable):
        return huey.periodic_task(schedule, **options)(_in_app_context(func))

    return decorate


def enqueue(task_wrapper: TaskWrapper, *args: Any, delay: float | None = None) -> bool:
    """Queue a task; False (logged) if the queue cannot be reached.

    The caller has already committed the row that says what must happen, so a queue that
    is down loses nothing: the periodic sweep finds the row and queues it again later.
    """
    try:
        if delay:
            task_wrapper.schedule(args=args, delay=delay)
        else:
            task_wrapper(*args)
    except Exception as error:  # Redis down or SQLite locked: never fail the request
        logger.warning(
            "Could not queue %s: %s", task_wrapper.func.__name__, error.__class__.__name__
        )
        return False
    return True


def make_consumer(workers: int = 2, periodic: bool = True) -> Consumer:
    """A Huey consumer with thread workers (the work waits on SMTP and the database)."""
    return huey.create_consumer(
        workers=workers,
        periodic=periodic,
        worker_type="thread",
        initial_delay=0.1,
        backoff=1.15,
        max_delay=2.0,
        check_worker_health=True,
    )


def start_in_process(workers: int = 2) -> Consumer:
    """Run the consumer as daemon threads of this process (`python app.py`).

    `Consumer.run()` would take over the main thread and its signals; here the web server
    keeps them, and the threads end with the process."""
    consumer = make_consumer(workers=workers, periodic=True)
    consumer.scheduler.start()
    for _, thread in consumer.worker_threads:
        thread.start()
    logger.info("Background jobs: %d worker threads and a scheduler in this process", workers)
    return consumer


def stop_in_process(consumer: Consumer) -> None:
    """Stop threads started by `start_in_process`, letting a running job finish."""
    consumer.stop_flag.set()
    for _, thread in consumer.worker_threads:
        thread.join(timeout=10)
    consumer.scheduler.join(timeout=10)


jobs_cli = AppGroup("jobs", help="Background jobs: run a worker.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run the every-minute sweeps (safe on every host: their work is claimed).",
)
def worker_command(workers: int, periodic: bool) -> None:
    """Run job workers and the scheduler until stopped (Ctrl-C or SIGTERM finishes the
    running jobs first). Run one on each worker host, beside or apart from gunicorn."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from practice.log_redaction import install

    app = huey.flask_app
    assert app is not None  # init_app ran: the command runs under the app's CLI
    install(app)
    backend = app.config["JOBS_BACKEND"]
    click.echo(f"Job worker: {workers} threads on the {backend} queue", err=True)
    make_consumer(workers=workers, periodic=periodic).run()
