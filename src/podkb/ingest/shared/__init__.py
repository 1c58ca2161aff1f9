"""Text helpers the readers share: speaker labels, page chrome, non-speech markers, timed cues,
XML documents and the spacing of unspaced scripts."""
