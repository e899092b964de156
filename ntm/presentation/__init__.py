"""What every app's pages share, below the pages and above the domain: the ``<id:>`` path
converter and the parsing of ids and days (``converters``), XLSX tables (``xlsx``), numbers,
statuses and dates in words (``wording``) and the words for stored codes (``labels``, which
the ``ntm_labels`` template library registers). It may import the domain models and
``ntm.core``, never a page."""
