"""The web service: FastAPI app (REST API under /api/v1, OAI-PMH, web pages), institutions,
API keys and roles, and the job store that the Celery workers (``api.worker``) work from."""
