"""Tables recovered from documents.

``text_tables`` recovers table structure from .txt exports (``.docx`` tables come from the
reader); ``budget`` types the rows of budget tables — columns with roles (``columns``), amounts in
元 with the unit inherited from header or caption (``units``), and printed precision (``figures``).
"""
