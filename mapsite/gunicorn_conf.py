"""gunicorn's settings for the site (`gunicorn -c python:mapsite.gunicorn_conf`): each worker
builds its policy snapshot and point index before it takes a request."""

import logging

logger = logging.getLogger(__name__)


def post_worker_init(worker) -> None:
    from django.db import DatabaseError

    from mapsite.zones import point_index

    try:
        point_index.prepare()
    except DatabaseError:
        # The database is down: the worker serves anyway (503s) and builds on first use.
        logger.warning("worker %s starts without its point index: database unavailable", worker)
