"""bibx's built-in formats, installed as ``bibx_plugins``: one package per format family, one entry point each.

listings (profile, compact and Daily Papers pages), bibtex (BibTeX/BibLaTeX), csl (CSL-JSON), ris, json
(bibx's own), refs (formatted reference lists) and arxiv (the ``--resolve`` resolver). Each package's
``__init__`` holds its hook implementations; the modules beside it do the work.
"""
