"""Natural-language processing: the spaCy pipeline, date resolution and event extraction."""
