"""Handing Celery tasks to the broker from a web request: one short try, never Celery's default retries.

With the broker down, Celery's defaults (connection retries, then publish retries) held a request for about
19 seconds per task. A caller in the request path uses `quick_connection` and decides itself what happens when
the broker cannot be reached (leave the work for a later job, or do it in place).
"""

BROKER_CONNECT_TIMEOUT_SECONDS = 1


def quick_connection(app):
    """A broker connection that gives up after one try of `BROKER_CONNECT_TIMEOUT_SECONDS`; use it with `with`."""
    # Celery adds these to the configured transport options (the filesystem transport's folders stay).
    options = {"max_retries": 0, "socket_connect_timeout": BROKER_CONNECT_TIMEOUT_SECONDS,
               "socket_timeout": BROKER_CONNECT_TIMEOUT_SECONDS}
    return app.connection_for_write(connect_timeout=BROKER_CONNECT_TIMEOUT_SECONDS, transport_options=options)


def send_quickly(task, *args) -> None:
    """Queue `task(*args)` in one short try; raises if the broker cannot be reached."""
    with quick_connection(task.app) as connection:
        task.apply_async(args, connection=connection, retry=False)
