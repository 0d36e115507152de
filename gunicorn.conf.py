"""gunicorn settings for production (README, "Running in production"):
`gunicorn -c gunicorn.conf.py --bind 127.0.0.1:8000 "conference:create_app()"`.

The access log goes to stdout in the usual combined format, with the secret tokens of manage links
(`/registrations/<token>/...`) masked as `***` wherever they appear: request line, query string,
Referer, Location and other headers (conference/access_log.py).
"""

import os

# One sync worker per core unless WEB_CONCURRENCY says otherwise. A request is CPU work in Python between
# short database round trips; when PostgreSQL shares the machine, more workers than cores only share the
# cores, with more switching. On the 2-core development machine with PostgreSQL beside it, registrations
# through the API (bench/registration.py, 32 clients, runs interleaved): 2 workers 376-426/s, p95 96-102 ms,
# 3.6-4.0 ms of CPU each; 4 workers 271-345/s, p95 110-139 ms, 4.5-5.7 ms (docs/registration.md). With the
# database on another machine, or many long requests (exports), set WEB_CONCURRENCY higher (e.g. 2 per core).
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)

accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
logger_class = "conference.access_log.GunicornLogger"


# Collect the youngest generation every 10,000 new objects instead of 700 (and the older ones every 20 of
# the younger): a cold page of 5,000 sessions made 2-3 full collections; measured in docs/performance.md.
GC_THRESHOLDS = (10_000, 20, 20)


def post_worker_init(worker) -> None:  # noqa: ANN001
    """Freeze the heap the worker holds once the application is loaded (modules, routes, templates,
    catalogues): garbage collections then walk only what requests make, and collect less often, so a large
    page's time grows with the page, not with the worker (docs/performance.md)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
