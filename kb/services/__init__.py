"""Domain operations over a SQLAlchemy session; the CLI and the desktop app both call these."""
