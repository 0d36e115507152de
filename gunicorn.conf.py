"""gunicorn settings for production (README, "Running in production"):
`gunicorn -c gunicorn.conf.py --workers 4 --bind 127.0.0.1:8000 "conference:create_app()"`.

The access log goes to stdout in the usual combined format, with the secret tokens of manage links
(`/registrations/<token>/...`) masked as `***` wherever they appear: request line, query string,
Referer, Location and other headers (conference/access_log.py).
"""

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
