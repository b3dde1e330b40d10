"""The Redis channel layer's settings and the layer for a URL (imported by settings.base)."""

from settings.env import env_float, env_int, env_str

CHANNEL_LAYER_CAPACITY = env_int("CHANNEL_LAYER_CAPACITY", 1000)  # messages held per channel (a dashboard)
CHANNEL_LAYER_EXPIRY_SECONDS = env_int("CHANNEL_LAYER_EXPIRY_SECONDS", 30)
CHANNEL_LAYER_GROUP_EXPIRY_SECONDS = env_int("CHANNEL_LAYER_GROUP_EXPIRY_SECONDS", 86400)  # > longest exam
CHANNEL_LAYER_MAX_CONNECTIONS = env_int("CHANNEL_LAYER_MAX_CONNECTIONS", 1000)  # per process; redis-py 8 raises
CHANNEL_LAYER_SOCKET_TIMEOUT = env_int("CHANNEL_LAYER_SOCKET_TIMEOUT", 15)  # must exceed BZPOPMIN's 5 s
# pubsub: one PUBLISH per group message, each process fans out locally (at-most-once: dashboards fill holes
# from the event log). core: per-channel lists with `capacity` (one Redis round trip per delivered message).
CHANNEL_LAYER_BACKEND = env_str("CHANNEL_LAYER_BACKEND", "pubsub")
# pubsub: sync code (WSGI requests, Celery) PUBLISHes from its own thread, giving up after this long (then the
# per-process publisher thread sends for a few seconds); 0 sends everything through that thread.
CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS = env_float("CHANNEL_LAYER_DIRECT_PUBLISH_TIMEOUT_SECONDS", 0.25)


def channel_layers(url: str, backend: str = CHANNEL_LAYER_BACKEND) -> dict:
    """Redis channel layer for a URL, in-memory without one (spec §3.3, §3.8: pool and timeouts set)."""
    if not url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    host = {
        "address": url,
        "max_connections": CHANNEL_LAYER_MAX_CONNECTIONS,
        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT,
        "socket_connect_timeout": 5,
    }
    if backend == "pubsub":
        config = {"hosts": [host], "prefix": env_str("CHANNEL_LAYER_PREFIX", "exams-ws")}
        return {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": config}}
    config = {
        "hosts": [host],
        "capacity": CHANNEL_LAYER_CAPACITY,
        "expiry": CHANNEL_LAYER_EXPIRY_SECONDS,
        "group_expiry": CHANNEL_LAYER_GROUP_EXPIRY_SECONDS,
        "prefix": env_str("CHANNEL_LAYER_PREFIX", "exams-ws"),
    }
    return {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}}
