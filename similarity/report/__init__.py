"""The similarity report: model, builder and renderers (JSON, HTML)."""
