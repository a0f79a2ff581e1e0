"""Tables recovered from documents: structure here, typed budget rows in later modules."""
