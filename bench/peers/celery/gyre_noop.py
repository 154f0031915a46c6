"""A Celery app with one no-op task, for bench/run-all.sh distributed (broker and results on the same Redis)."""
import os

from celery import Celery

URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
app = Celery("gyre_noop", broker=URL, backend=URL)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    worker_prefetch_multiplier=64,
    task_acks_late=False,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
)


@app.task
def noop():
    return None
