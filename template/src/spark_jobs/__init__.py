"""Batch jobs for the Spark cluster: a corpus folder chunked into Parquet, then bulk-loaded."""
