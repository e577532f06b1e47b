"""The verifier: four channels in, one verdict out (see :mod:`.service`)."""
