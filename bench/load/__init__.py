"""The load bench (``python -m bench load``) and the Python side of the cluster check
(``bench/cluster.sh``): see bench/load/run.py and bench/README.md."""
