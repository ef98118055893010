"""Machine translation hook: Latvian passages fingerprinted as English and the other way round.

``base`` holds the :class:`Translator` protocol; ``libretranslate`` and
``tilde`` are HTTP adapters (stdlib ``urllib`` only, with batching, timeouts
and retries); ``cache`` keeps translations in SQLite; ``fingerprints`` makes
MinHash fingerprints of translated passages, labelled with the translator.
"""
