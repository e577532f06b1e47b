"""Limited editions: ids, licences, certificates of authenticity, transfers (see :mod:`.service`)."""
