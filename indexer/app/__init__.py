"""The application layer: use cases shared by the ``kb`` CLI and the desktop app."""
