"""The ASGI workers' collector settings: frozen start-up objects, less frequent young collections."""

import gc

from exams_service.gc_tuning import tune_for_latency


def test_threshold_applied_and_startup_objects_frozen(settings):
    before = gc.get_threshold()
    try:
        settings.ASGI_GC_THRESHOLD = (50000, 20, 100)
        assert tune_for_latency() is True
        assert gc.get_threshold() == (50000, 20, 100)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_empty_setting_keeps_the_defaults(settings):
    before = gc.get_threshold()
    settings.ASGI_GC_THRESHOLD = ()
    assert tune_for_latency() is False
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
