"""Measuring search: quality on BEIR-style datasets (``kb eval``) and speed and memory (``kb bench``)."""
