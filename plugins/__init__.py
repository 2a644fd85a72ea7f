"""bibx built-in formats, installed as ``bibx_plugins``; each module is one entry point."""
