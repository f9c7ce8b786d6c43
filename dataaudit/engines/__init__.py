"""The engines: memory (pandas), stream (Arrow record batches) and dask. Each module loads when a command picks it;
this package holds only their names, which the command line offers without importing them."""

__all__ = ["ENGINES", "APPLY_ENGINES"]

ENGINES = ("auto", "pandas", "stream", "dask")  # scan and fix
APPLY_ENGINES = ("pandas", "stream", "dask")
