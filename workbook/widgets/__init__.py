"""Thin ipywidgets views over the engine. Every UI event has a Python twin."""
