"""gunicorn's configuration (alp_portal/gunicorn_conf.py): what a worker does once the application is loaded."""

import gc
import importlib


def test_a_worker_freezes_the_loaded_application_out_of_the_full_collections():
    conf = importlib.import_module("alp_portal.gunicorn_conf")
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # Django, the apps and their modules
    finally:
        gc.unfreeze()


def test_the_configuration_reads_its_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "500")
    conf = importlib.import_module("alp_portal.gunicorn_conf")
    try:
        importlib.reload(conf)
        assert (conf.workers, conf.max_requests, conf.threads) == (3, 500, 1)
    finally:
        monkeypatch.undo()
        importlib.reload(conf)
