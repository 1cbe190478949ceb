"""Signals other apps listen to; pairing never imports them."""

from django.dispatch import Signal

# Sent once for each pair that ends (rotation, HR decision...), with ``pair`` already saved as ended.
# The surveys app connects its closing survey here; ``pair.started_at`` tells a pair that ever met
# from a proposal that was ended before it started.
pair_ended = Signal()
