"""Staff-only tools of Backprop by Hand: reference solutions, mistakes catalogue, grading."""
