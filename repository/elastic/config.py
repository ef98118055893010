"""How to reach an Elasticsearch server, and the client made from it.

The settings model lives here (not in ``api``) because ``repository`` may not
import ``api``; ``api.settings`` nests it as ``Settings.elasticsearch``. The
client library is imported only when a client is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

# Whole-request answers the transport tries again at once: a node or proxy hiccup.
# 429 (overloaded) is left to the bulk writer, which backs off before trying again.
RETRY_ON_STATUS = (502, 503, 504)


class ElasticsearchSettings(BaseModel):
    """Connection and indexing options of the Elasticsearch repository backend."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field("http://localhost:9200", description="Elasticsearch address, e.g. https://es.example.lv:9200")
    api_key: SecretStr | None = Field(None, description="API key (base64 'id:key' as Kibana shows it); wins over username/password")
    username: str | None = Field(None, description="user for HTTP basic authentication (with password)")
    password: SecretStr | None = Field(None, description="password for HTTP basic authentication")
    ca_certs: Path | None = Field(None, description="PEM file of the CA that signed the server's certificate")
    verify_certs: bool = Field(True, description="check the server's TLS certificate (leave on outside a lab)")
    index_prefix: str = Field(
        "kratuve",
        pattern=r"^[a-z][a-z0-9_.-]*$",
        description="indices are '<prefix>-theses-v1' etc. behind aliases '<prefix>-theses'; one prefix per repository",
    )
    request_timeout: float = Field(30.0, gt=0, description="seconds to wait for one request")
    max_retries: int = Field(5, ge=0, description="tries again after 502/503/504 answers and timeouts, and bulk writes after 429/5xx with backoff")
    initial_backoff_s: float = Field(0.5, ge=0, description="first wait before a bulk retry; doubles each time")
    max_backoff_s: float = Field(30.0, ge=0, description="longest wait between bulk retries")
    refresh: Literal["wait_for", "true", "false"] = Field(
        "wait_for",
        description="after writes: 'wait_for' (searches see them, no extra refresh), 'true' (refresh now; "
        "tests), 'false' (fastest bulk loads; visible after the next periodic refresh)",
    )
    bulk_chunk_size: int = Field(500, ge=1, description="documents per bulk request")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("elasticsearch.url must start with http:// or https://")
        return value.rstrip("/")


def make_client(settings: ElasticsearchSettings) -> Elasticsearch:
    """A client with auth, TLS and transport-level retries from ``settings``."""
    from elasticsearch import Elasticsearch

    options: dict = {
        "request_timeout": settings.request_timeout,
        "max_retries": settings.max_retries,
        "retry_on_status": RETRY_ON_STATUS,
        "retry_on_timeout": True,
    }
    if settings.url.startswith("https://"):
        options["verify_certs"] = settings.verify_certs
        if settings.ca_certs is not None:
            options["ca_certs"] = str(settings.ca_certs)
    if settings.api_key is not None:
        options["api_key"] = settings.api_key.get_secret_value()
    elif settings.username:
        password = settings.password.get_secret_value() if settings.password else ""
        options["basic_auth"] = (settings.username, password)
    return Elasticsearch(settings.url, **options)
