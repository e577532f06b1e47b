"""The pure core: canonical JSON, content ids, keys and signatures, image codecs.

Nothing here touches files, the database, the clock or the network: bytes and
models in, models or exceptions out.
"""
