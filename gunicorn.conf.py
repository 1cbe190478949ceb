"""gunicorn's settings, from the environment (the Dockerfile and docker-compose.yml use this file).

Defaults suit a 2-core container: 2 worker processes of 4 threads each. Threads let a worker answer
other requests while one waits on PostgreSQL; each thread keeps its own persistent connection
(CONN_MAX_AGE), so PostgreSQL sees WEB_CONCURRENCY x GUNICORN_THREADS connections per replica.
"""

import os


def _int(name, default):
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 4)
# With threads > 1 gunicorn uses the gthread worker, which also honours keepalive.
worker_class = "gthread"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A worker is replaced after this many requests, so that a slow leak cannot grow without bound; the jitter
# keeps the workers from all restarting at the same moment. A new worker spends about 3 s of CPU importing
# the project and compiles every template again: at 1,000 requests a worker under load (40-100 requests a
# second each) restarted every 10-25 s and lost a tenth of its core to that, so the default is 20,000
# (a restart every few minutes at full load, hours at a normal day's traffic).
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Behind a reverse proxy that sets X-Forwarded-For, the access log shows the visitor, not the proxy.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'
