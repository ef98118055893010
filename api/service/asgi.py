"""``uvicorn api.service.asgi:app`` (several API processes): the app from the environment's settings."""

from api.service.app import create_app

app = create_app()
