"""Backprop by Hand: the helpers every notebook imports (checks, drawings, explorers, data).

This package holds no answer to a graded exercise; a test in tests/ makes sure of it.
"""
