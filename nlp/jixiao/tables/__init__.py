"""Tables recovered from documents.

Table structure comes from ingestion (``jixiao.ingest.docx_reader`` for ``.docx``,
``jixiao.ingest.text_tables`` for ``.txt`` exports); ``budget`` types the rows of budget tables — columns with roles (``columns``), amounts in
元 with the unit inherited from header or caption (``units``), and printed precision (``figures``).
"""
