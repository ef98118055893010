"""Celery workers: the check pipeline as tasks (``kratuve.process_job``,
``kratuve.deliver_webhook``, ``kratuve.embargo_sweep``)."""
