"""OAI-PMH 2.0 data provider: thesis metadata for harvesters (national library, OpenAIRE, BASE).

:func:`api.oai.handler.handle` answers a request from its arguments; the FastAPI
router in :mod:`api.oai.router` serves it at ``GET/POST /oai``. The XML schemas of
the responses are shipped in ``api/oai/schemas`` for offline validation.
"""
