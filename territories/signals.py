from django.dispatch import Signal

# Sent after a release of the reference geography was imported, inside the import's
# transaction. Apps that derive data from the geography (the registry's partner relations)
# recompute it here, so the geography never needs to know about them.
reference_data_imported = Signal()

# Sent after contours or adjacency changed (`geometry_import`), inside its transaction:
# contiguity and distances derived from them are recomputed the same way.
geometry_imported = Signal()
