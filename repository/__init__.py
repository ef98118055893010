"""Repository: the thesis store and the candidate index.

Backends implement :class:`~repository.protocols.ThesisStore` and
:class:`~repository.protocols.CandidateIndex`. Nothing is opened at import
time: a backend opens its database when it is constructed.
"""
