"""Fuzzing harnesses: every stage fed hostile input, any exception but a
:class:`~khorasan.errors.KhorasanError` is a crash.

``targets`` names what is fuzzed (ingest: decoding, whole files, JSONL, sidecars, text to a
document; annotate; extract; store), ``inputs`` makes the inputs (mutated real pages, random
Unicode, deep HTML and JSON, huge numbers, long lines), ``runner`` drives them for a set time or
number of inputs in a watched child process (a hang is reported, not waited on), and
``atheris_main`` is the same targets under atheris (coverage-guided, libFuzzer) when it is
installed. ``make fuzz`` runs them; ``tests/test_fuzz.py`` runs a short profile with Hypothesis.
"""
