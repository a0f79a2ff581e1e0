"""Tables recovered from documents, typed once for every output.

Table structure comes from ingestion (``jixiao.ingest.docx_reader`` for ``.docx``,
``jixiao.ingest.text_tables`` for ``.txt`` exports, ``jixiao.ingest.pdf_tables`` for ruled PDF
tables), all in the same merged-once shape. ``records`` types it — caption, unit and its origin,
flattened headers, column roles (``columns``), row kinds, cell values in 元 or percent with the
unit inherited from header or caption (``units``) — into the records that ``tag`` writes, the
audit reads and ``show`` draws; ``budget`` reads those records as the audit's figures, keeping the
printed precision (``figures``).
"""
