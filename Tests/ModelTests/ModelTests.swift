// Model tests: each architecture against an independent float64 reference.
