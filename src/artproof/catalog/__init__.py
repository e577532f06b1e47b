"""The collector's and the gallery's catalog: items, their timeline, valuations, condition, reports."""
