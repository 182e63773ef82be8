"""gunicorn for Samen alert: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (deploy/systemd/samen-alert-web.service).

The app keeps no state between requests (sessions and limits live in PostgreSQL and Redis), so any number of these
processes, on any number of machines, can stand behind the proxy."""

import multiprocessing
import os

bind = os.environ.get("MELDPUNT_BIND", "127.0.0.1:8000")
# Sync workers: every request is short (the slowest pages are bounded queries); 2 per core plus one.
workers = int(os.environ.get("MELDPUNT_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Replace workers now and then, so memory stays bounded over months of running.
max_requests = 2000
max_requests_jitter = 200
# The app trusts MELDPUNT_TRUSTED_PROXIES hops of X-Forwarded-*; gunicorn itself only the local proxy.
forwarded_allow_ips = os.environ.get("MELDPUNT_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Tracking and answer tokens in paths never reach the log (meldpunt/serving.py).
logger_class = "meldpunt.serving.RedactingLogger"
