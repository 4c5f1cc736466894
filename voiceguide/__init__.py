"""voiceguide: a private, offline, hands-free voice companion for guided articles."""

import os as _os

__version__ = "0.1.0"

# numpy's BLAS starts one thread per core when it loads, which costs a reading 30-40 ms on the way
# to its first sound (measured); voiceguide's arrays are small and never want those threads. A value
# the person has set is kept.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
