"""Page benchmark: demo-sized baseline vs. 100,000 members, in one run. See bench/README.md.

Run with ``make bench`` or ``.venv/bin/python -m bench`` from the project root.
"""
