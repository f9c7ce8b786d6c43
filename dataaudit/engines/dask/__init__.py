"""The Dask engine: ``scan`` statistics and ``apply`` run partition by partition on a Dask cluster.

Why a cluster: a file (or a glob of many) too large for one machine's memory or time is cut into partitions
that workers read and summarise in parallel, with the same per-chunk function as the other engines
(``core.stats.chunk_stats``), so the findings are the in-memory engine's. Partitions are read with pyarrow, as
``io.read`` reads a whole file, not with ``dask.dataframe.read_csv`` (pandas' parser): pandas would read
'NA' and 'null' as missing and type columns differently, and the checks must see the file's raw text.

A scan runs in three steps (``plan``, ``tasks`` and ``reconcile``; ``scan`` runs them, ``cluster`` gives the client,
``write`` the output directory):

1. Plan (client): the files in sorted order; a CSV cut into byte ranges of about ``BLOCK_BYTES`` that
   start at line starts, each parsed with the file's header line in front (as a file of its own); a
   compressed or UTF-16 CSV, Feather or JSON Lines file is one partition; Parquet is cut by row groups.
   Workers count each range's lines, so every partition knows its first row's number before any statistic:
   row numbers go into evidence, into the column digests and into the hash that picks the row sample.
2. Statistics (workers): parse, normalise, mark declared missing values, ``chunk_stats`` at the row offset.
   The row sample is the ``sample_size`` rows of lowest priority, a hash of the row number only, so the
   client computes the threshold from the row count and each partition keeps only its sample rows.
3. Reconcile and merge (client): pyarrow types each partition's CSV columns on its own rows; the client
   types each column as one read of the whole file would (pyarrow's inference order: null, int64, bool,
   double, date, time, timestamp, …, string: the first that every partition converts to) and recomputes the
   partitions read with another type, and those whose line count missed (blank lines, quoted newlines).
   The results are then merged in partition order with the stream engine's accumulator, so the statistics
   equal the stream engine's (exact counts; quantiles of large numeric columns thinned to ``max_values``).

``apply`` reads the partitions the same way (typed as the whole file, as pandas frames like
``io.read.to_frame`` gives), runs the recipe's steps per partition, finds the duplicate rows across
partitions exactly (row hashes, then pandas on the rows whose hash repeats) and writes a partitioned
Parquet directory atomically. ``fix`` (``fixing.dask``) runs the scan's pass, then ``apply``'s (``fixing.dask_recipe``) on the recipe it fits.

Dask is an optional extra (``pip install 'dataaudit[dask]'``), imported only here and only when used.
The workers read the files by path: on a remote cluster they must see the same files and have dataaudit.
"""

__all__: list[str] = []
