"""Events stage: PLOVER events from a doc's sentences and actor mentions.

``extract_events(doc)`` returns ``Event`` records; the trigger lexicon
(``data/events/triggers.yaml``), modality cues and contexts are data files.
"""

from marsad.events.extract import extract_events, find_triggers
from marsad.events.lexicon import load_triggers

__all__ = ["extract_events", "find_triggers", "load_triggers"]
