"""The Redis cache backend reuses one redis-py client per pool and behaves like Django's."""

from exams_service.redis_cache import ReusingRedisCache
from tests.conftest import redis_up, require_service

REDIS_URL = "redis://127.0.0.1:6379/13"


def test_one_client_serves_every_call_and_values_round_trip():
    require_service("Redis", redis_up(REDIS_URL), f"start redis-server ({REDIS_URL})")
    cache = ReusingRedisCache(REDIS_URL, {"KEY_PREFIX": "test-reusing-cache"})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=False) is client
    cache.set("session", {"roles": ["grader"]}, timeout=30)
    assert cache.get("session") == {"roles": ["grader"]}
    assert cache.get_many(["session", "missing"]) == {"session": {"roles": ["grader"]}}
    assert cache.delete("session") is True
    assert cache.get("session") is None
    assert cache._cache.get_client(write=True) is client
