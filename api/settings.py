"""Krātuve settings: one class, read once by an entry point and passed down.

Every field can be set by an environment variable with the ``KRATUVE_``
prefix (nested fields with ``__``, e.g. ``KRATUVE_MINHASH__NUM_PERM=128``) or
by a ``.env`` file in the working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from similarity.align import AlignParams
from similarity.embeddings.factory import EmbeddingConfig
from similarity.detect import DetectConfig
from similarity.semantic import SemanticParams
from similarity.translate.factory import TranslatorConfig
from similarity.fingerprint import MinHashParams
from repository.elastic.config import ElasticsearchSettings


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KRATUVE_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(
        Path("./kratuve-data"),
        description="this machine's data folder: the embedded repository (unless repository_dir is set), the "
        "SQLite service store and its kept uploads (unless service_store_url is set), the session key",
    )
    repository_dir: Path | None = Field(
        None,
        description="where the embedded repository lives (unset: data_dir); set it when data_dir differs "
        "between machines but the embedded repository is one shared folder",
    )
    max_file_mb: int = Field(200, ge=1, description="largest file accepted, in MB")
    max_pages: int = Field(2000, ge=1, description="most pages read from one file")
    extract_timeout_s: float = Field(
        600.0, gt=0, description="time limit for reading one file (OCR included), in seconds"
    )
    ocr: bool = Field(True, description="read scanned (image-only) PDF pages with Tesseract")
    passage_words: int = Field(80, ge=10, le=400, description="target words per passage")
    max_candidates: int = Field(50, ge=1, description="most repository theses aligned per check")
    region_passages: int = Field(
        2, ge=0, description="passages aligned on each side of a source passage found by LSH"
    )
    min_match_words: int = Field(10, ge=1, description="matches shorter than this are not reported")
    exclude_quotations: bool = Field(
        False, description="matches inside quotation marks do not count in the similarity index"
    )
    exclude_bibliography: bool = Field(
        True, description="matches inside the bibliography do not count in the similarity index"
    )
    semantic_enabled: bool = Field(
        False,
        description="also find paraphrased and translated (lv<->en) copying with multilingual embeddings: "
        "passage vectors are stored at add time and submissions are aligned sentence by sentence "
        "(slower: about 300-500 words/s on a 2-core CPU)",
    )
    semantic_candidates: int = Field(
        10, ge=0, description="theses aligned semantically per check, chosen by nearest passage vectors"
    )
    semantic_neighbours: int = Field(3, ge=1, description="nearest stored passages looked up per submission passage")
    semantic_min_cosine: float = Field(
        0.85, ge=-1, le=1,
        description="least cosine of a stored passage's vector to a submission passage's for its region to be "
        "aligned semantically: a floor, not a verdict (bench/embeddings/passage_cosines.py: translated passages "
        "0.856 and up, the best unrelated passage of a same-topic text 0.88 across languages, 0.95 within one)",
    )
    semantic_join_chars: int = Field(
        DetectConfig.model_fields["join_chars"].default, ge=0,
        description="with the semantic path on, a match that follows another within this many characters on "
        "both sides (source in the same order) is joined with it, so an obfuscated copy is one match, not "
        "pieces (chosen on the tuning seeds of bench/quality; 0: never join)",
    )
    semantic_source_passages: int = Field(
        24, ge=0,
        description="most source passages (the best vector hits, each with its neighbours) embedded and aligned "
        "sentence by sentence per check: bounds a check's cost when many stored passages are near",
    )
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig, description="the embedding model")
    translator: TranslatorConfig = Field(
        default_factory=TranslatorConfig,
        description="machine-translation hook (KRATUVE_TRANSLATOR__KIND=libretranslate|tilde, __URL, __API_KEY, "
        "__CACHE_DIR): with one, each lv/en passage of a submission is also translated into the other language, "
        "fingerprinted and aligned, so translated copying is found by MinHash too; 'none' (default) translates nothing",
    )
    semantic: SemanticParams = Field(default_factory=SemanticParams, description="semantic alignment thresholds")
    minhash: MinHashParams = Field(default_factory=MinHashParams, description="MinHash fingerprint parameters (stored with every fingerprint)")
    align: AlignParams = Field(default_factory=AlignParams, description="verbatim alignment parameters")
    pid_prefix: str = Field(
        "kratuve",
        pattern=r"^[a-z][a-z0-9.-]*$",
        description="prefix of persistent identifiers: a thesis is '<prefix>:<id>' (never change it once published)",
    )
    public_base_url: str = Field(
        "http://localhost:8000",
        description="public site address; a thesis's stable URL is '<public_base_url>/theses/<id>'",
    )

    # --- OAI-PMH data provider at /oai (harvesting, issue 5) ---
    oai_page_size: int = Field(
        100, ge=1, le=1000,
        description="records or identifiers per OAI-PMH ListRecords/ListIdentifiers response; "
        "the rest follow through resumption tokens",
    )
    oai_repository_name: str = Field(
        "Krātuve", min_length=1, description="repositoryName that the OAI-PMH Identify verb reports"
    )
    oai_admin_email: str = Field(
        "admin@example.org",
        pattern=r"^\S+@(\S+\.)+\S+$",
        description="adminEmail that the OAI-PMH Identify verb reports: who harvesters write to (set it)",
    )

    repository_cache_mb: int = Field(
        256, ge=2, le=65536,
        description="most memory (MB) that each connection to the embedded repository keeps as SQLite page "
        "cache; the writer's inserts into the LSH band index go to random pages, so a larger cache speeds up "
        "adding theses to a large repository (bench/repository/scale.py)",
    )

    # --- repository backend (Elasticsearch backend, issue 5) ---
    repository_backend: Literal["embedded", "elasticsearch"] = Field(
        "embedded",
        description="where theses are stored: 'embedded' (SQLite in data_dir, one machine) or "
        "'elasticsearch' (a server or cluster, see the elasticsearch settings)",
    )
    elasticsearch: ElasticsearchSettings = Field(
        default_factory=ElasticsearchSettings,
        description="Elasticsearch connection and indexing options (used when repository_backend is "
        "'elasticsearch'), e.g. KRATUVE_ELASTICSEARCH__URL, KRATUVE_ELASTICSEARCH__API_KEY",
    )

    # --- logging (deploy, issue 7) ---
    log_format: Literal["text", "json"] = Field(
        "text",
        description="log line format: 'text' for people at a terminal, 'json' (one object per line with "
        "timestamp, level, logger, message, request_id, job_id) for log collectors",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="least severe log level written (DEBUG, INFO, WARNING, ERROR, CRITICAL)"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    # --- service and workers (issue 6) ---
    broker_url: str = Field(
        "",
        description="Celery broker, e.g. redis://redis:6379/0; empty: a broker that needs no server (files under "
        "<data_dir>/broker, one machine) and `kratuve serve` starts a worker itself",
    )
    visibility_timeout_s: int = Field(
        3600, ge=1,
        description="Redis broker: seconds before a task taken by a worker that died is given to another worker "
        "(longer than the longest check)",
    )
    job_lease_s: float = Field(
        1800.0, gt=0,
        description="seconds a worker holds a running job; a job whose worker died is taken again after it",
    )
    task_max_retries: int = Field(8, ge=0, description="retries of a job after transient errors (locked database, "
                                  "unreachable service) before it fails")
    task_retry_backoff_s: float = Field(5.0, gt=0, description="first retry delay in seconds, doubled each time")
    embargo_sweep_s: float = Field(3600.0, gt=0, description="seconds between the scheduler's embargo sweeps")
    webhook_timeout_s: float = Field(10.0, gt=0, description="seconds to wait for a university's webhook to answer")
    webhook_max_retries: int = Field(8, ge=0, description="webhook delivery retries before giving up")
    webhook_backoff_s: float = Field(10.0, gt=0, description="first webhook retry delay in seconds, doubled each time")
    rate_limit_per_minute: int = Field(
        120, ge=0, description="requests per minute per API key (0: no limit); see rate_limit_store"
    )
    public_rate_limit_per_minute: int = Field(
        600, ge=0, description="requests per minute per client address without a key (0: no limit); see "
        "rate_limit_store"
    )
    rate_limit_store: Literal["auto", "memory", "redis"] = Field(
        "auto",
        description="where the rate-limit buckets live: 'memory' (each API process counts on its own, so the "
        "limit is per process), 'redis' (in the broker's Redis, shared by every API process on every machine), "
        "'auto' (redis when broker_url is a Redis URL, else memory)",
    )
    service_store_url: SecretStr | None = Field(
        None,
        description="the service store (institutions, API keys, jobs, kept uploads, webhook deliveries): unset: "
        "SQLite in <data_dir> (API and workers on one machine); 'postgresql://user:password@host:5432/db': "
        "a PostgreSQL database that API processes and workers on several machines share (needs the "
        "'postgres' extra: pip install 'kratuve[postgres]')",
    )
    api_host: str = Field("127.0.0.1", description="address `kratuve serve` listens on")
    api_port: int = Field(8000, ge=1, le=65535, description="port `kratuve serve` listens on")
    secret_key: SecretStr | None = Field(
        None,
        description="key that signs browser sessions; set the same value on every API process (unset: a random "
        "key is generated once and kept in <data_dir>)",
    )

    @field_validator("service_store_url")
    @classmethod
    def _store_url(cls, value: SecretStr | None) -> SecretStr | None:
        # Only blank -> unset here: a refused value would be echoed, password and all, in the
        # validation error; open_service_store checks the scheme without showing the URL.
        if value is None or not value.get_secret_value().strip():
            return None
        return value

    @property
    def repository_path(self) -> Path:
        """The embedded repository's folder: ``repository_dir``, else ``data_dir``."""
        return self.repository_dir if self.repository_dir is not None else self.data_dir

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("public_base_url must start with http:// or https://")
        return value.rstrip("/")
