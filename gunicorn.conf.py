"""gunicorn settings for Kensa in production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (docs/deploy.md). Sync workers: Kensa's
requests are short database work plus, for PDFs, CPU-bound WeasyPrint rendering, so one request
per process is the simplest model that cannot share a connection or a renderer between threads.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("KENSA_BIND", "127.0.0.1:8000")
# The usual 2 x cores + 1; WEB_CONCURRENCY is the name most platforms set.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A scorecard or lot report PDF takes about a second; nothing legitimate takes 60.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# WeasyPrint's caches (fonts, images, layout) grow a worker's memory with its first PDFs (about
# 40 MiB over 200, then level): each worker is replaced after about this many requests, the jitter
# keeping them from all restarting at once. Not fewer: a new worker builds the app again, 1.7 s of
# CPU, which every 1,000 requests cost busy list pages a tenth of the machine (bench/pages.py).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1_000)
# Each worker builds the app itself, so no database connection is ever shared across a fork.
preload_app = False
# The heartbeat file on a RAM disk: a slow disk must not make the arbiter think a worker hung.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn only keeps its heartbeat files there
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
# Only the reverse proxy on these addresses may set X-Forwarded-* (gunicorn's own check; Kensa's
# PROXY_FIX_* settings say how many proxies set each header).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "kensa"
