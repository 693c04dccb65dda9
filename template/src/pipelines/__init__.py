"""Airflow DAGs (mounted read-only into Airflow's dags folder as the package `pipelines`)."""
