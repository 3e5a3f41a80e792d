"""Keep ckanext-harvest's Redis consumers blocking on an idle queue.

redis-py 8 (pinned by CKAN 2.12) gives every client a 5 s socket timeout by default; the harvest
gather/fetch consumers wait on ``BLPOP`` without a timeout and so crash whenever their queue is
idle for 5 s (ckanext-harvest issue #581, open for 1.6.3). Until ckanext-harvest sets
``socket_timeout=None`` itself, the core plugin wraps its connection factory so that harvest
connections block as they did with redis-py < 8. Nothing else in CKAN is affected.
"""
from __future__ import annotations

import functools


def blocking(factory):
    """Wrap a Redis connection factory so that its connections have no socket read timeout."""
    if getattr(factory, "_poitiers_blocking", False):
        return factory

    @functools.wraps(factory)
    def wrapper(*args, **kwargs):
        conn = factory(*args, **kwargs)
        conn.connection_pool.connection_kwargs["socket_timeout"] = None
        return conn

    wrapper._poitiers_blocking = True
    return wrapper


def install() -> None:
    from ckanext.harvest import queue

    queue.get_connection_redis = blocking(queue.get_connection_redis)
